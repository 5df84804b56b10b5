package dev.corral.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Request body of multi (opcode 14) and multiRead (opcode 22) (ZooKeeper 3.9:
 * {@code MultiOperationRecord}, which is hand-written rather than declared in zookeeper.jute).
 *
 * <p>Grammar:
 * <pre>
 *   multi    = { MultiHeader(type, done=false, err=-1) opRecord } MultiHeader(-1, done=true, -1)
 *   opRecord = CreateRequest        ; type create, create2, createContainer
 *            | CreateTTLRequest     ; type createTTL
 *            | DeleteRequest        ; type delete
 *            | SetDataRequest       ; type setData
 *            | CheckVersionRequest  ; type check
 *            | GetChildrenRequest   ; type getChildren (multiRead only)
 *            | GetDataRequest       ; type getData (multiRead only)
 * </pre>
 * The list ends at the first header with {@code done} set, whatever its type and err.
 *
 * <p>{@link #read} rejects what ZooKeeper's {@code MultiOperationRecord#deserialize} rejects with an
 * IOException: an op type outside the list above ("Invalid type of op"), a create, create2 or
 * createContainer whose flags are not a CreateMode ("invalid flag"), and read ops mixed with write ops
 * ("Mixing different kind of ops"). It does not apply ZooKeeper's client-side rewriting of the op type
 * from the create flags; the type is kept as sent.
 *
 * <p>Invariant: all ops are of one kind, all reads or all writes (ZooKeeper's {@code Op.OpKind}).
 */
public record MultiRequest(List<Op> ops) {
    /** The largest CreateMode flag (persistent sequential with TTL); ZooKeeper 3.9: {@code CreateMode}. */
    private static final int CREATE_FLAGS_MAX = 6;
    /** The smallest op record: GetChildrenRequest with a null path, 4 bytes, and a boolean. */
    private static final int OP_RECORD_BYTES_MIN = 5;

    public MultiRequest {
        ops = List.copyOf(ops);
        for (Op op : ops) {
            if (op.isRead() != ops.get(0).isRead()) {
                throw new IllegalArgumentException("multi mixes read and write ops: " + ops);
            }
        }
    }

    /** True for a multiRead body (getChildren and getData ops); an empty multi counts as a write. */
    public boolean isRead() {
        return !ops.isEmpty() && ops.get(0).isRead();
    }

    public void write(JuteOutput out) {
        for (Op op : ops) {
            new MultiHeader(op.type(), false, -1).write(out);
            op.writeRequest(out);
        }
        MultiHeader.END.write(out);
    }

    public static MultiRequest read(JuteInput in) {
        // Every op takes a header and a record, so the input bounds the op count. The loop cannot pass
        // this bound while each op consumes bytes; the check keeps the bound visible and enforced.
        int opsMax = in.remaining() / (MultiHeader.BYTES + OP_RECORD_BYTES_MIN);
        List<Op> ops = new ArrayList<>();
        int headerAt = in.position();
        MultiHeader header = MultiHeader.read(in);
        while (!header.done()) {
            if (ops.size() == opsMax) {
                throw new MalformedRecordException("multi has more than " + opsMax + " ops at offset " + headerAt);
            }
            Op op = new Op(header.type(), Op.readRequest(header.type(), in, headerAt));
            if (!ops.isEmpty() && op.isRead() != ops.get(0).isRead()) {
                throw new MalformedRecordException("multi mixes read and write ops: op type " + op.type()
                        + " at offset " + headerAt + " after op type " + ops.get(0).type());
            }
            ops.add(op);
            headerAt = in.position();
            header = MultiHeader.read(in);
        }
        return new MultiRequest(ops);
    }

    /**
     * One op of a multi: its {@link OpCode} and its request record. {@code create}, {@code create2} and
     * {@code createContainer} all carry a {@link CreateRequest}; {@code createTTL} a {@link
     * CreateTTLRequest}; {@code delete} a {@link DeleteRequest}; {@code setData} a {@link SetDataRequest};
     * {@code check} a {@link CheckVersionRequest}; {@code getChildren} a {@link GetChildrenRequest};
     * {@code getData} a {@link GetDataRequest}.
     *
     * <p>Invariant: {@code request} is an instance of the record class that {@code type} calls for.
     */
    public record Op(int type, Object request) {
        public Op {
            Class<?> expected = requestClass(type);
            if (expected == null) {
                throw new IllegalArgumentException("op type " + type + " is not allowed in a multi");
            }
            if (!expected.isInstance(request)) {
                throw new IllegalArgumentException("op type " + type + " needs a " + expected.getSimpleName()
                        + ", not " + (request == null ? "null" : request.getClass().getSimpleName()));
            }
        }

        /** True for getChildren and getData, the ops of a multiRead. */
        public boolean isRead() {
            return type == OpCode.GET_CHILDREN || type == OpCode.GET_DATA;
        }

        private static Class<?> requestClass(int type) {
            return switch (type) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.class;
                case OpCode.CREATE_TTL -> CreateTTLRequest.class;
                case OpCode.DELETE -> DeleteRequest.class;
                case OpCode.SET_DATA -> SetDataRequest.class;
                case OpCode.CHECK -> CheckVersionRequest.class;
                case OpCode.GET_CHILDREN -> GetChildrenRequest.class;
                case OpCode.GET_DATA -> GetDataRequest.class;
                default -> null;
            };
        }

        private void writeRequest(JuteOutput out) {
            switch (type) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> ((CreateRequest) request).write(out);
                case OpCode.CREATE_TTL -> ((CreateTTLRequest) request).write(out);
                case OpCode.DELETE -> ((DeleteRequest) request).write(out);
                case OpCode.SET_DATA -> ((SetDataRequest) request).write(out);
                case OpCode.CHECK -> ((CheckVersionRequest) request).write(out);
                case OpCode.GET_CHILDREN -> ((GetChildrenRequest) request).write(out);
                case OpCode.GET_DATA -> ((GetDataRequest) request).write(out);
                default -> throw new IllegalStateException("op type " + type + " passed the constructor check");
            }
        }

        private static Object readRequest(int type, JuteInput in, int headerAt) {
            return switch (type) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                    CreateRequest create = CreateRequest.read(in);
                    if (create.flags() < 0 || create.flags() > CREATE_FLAGS_MAX) {
                        throw new MalformedRecordException("invalid create flags " + create.flags() + " for op type "
                                + type + " at offset " + headerAt + " in multi");
                    }
                    yield create;
                }
                case OpCode.CREATE_TTL -> CreateTTLRequest.read(in);
                case OpCode.DELETE -> DeleteRequest.read(in);
                case OpCode.SET_DATA -> SetDataRequest.read(in);
                case OpCode.CHECK -> CheckVersionRequest.read(in);
                case OpCode.GET_CHILDREN -> GetChildrenRequest.read(in);
                case OpCode.GET_DATA -> GetDataRequest.read(in);
                default -> throw new MalformedRecordException(
                        "invalid type of op " + type + " at offset " + headerAt + " in multi");
            };
        }
    }
}
