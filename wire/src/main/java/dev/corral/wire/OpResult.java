package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One result inside a {@link MultiResponse} (ZooKeeper 3.9: {@code OpResult}, hand-written, not in
 * zookeeper.jute). {@link #type()} is the MultiHeader type written in front of the result and {@link
 * #write} writes the record that follows it:
 * <pre>
 *   CreateResult      type create  (1)   CreateResponse
 *   Create2Result     type create2 (15)  Create2Response   ; also for createContainer and createTTL ops
 *   DeleteResult      type delete  (2)   nothing           ; also for deleteContainer
 *   SetDataResult     type setData (5)   SetDataResponse
 *   CheckResult       type check   (13)  nothing
 *   GetChildrenResult type getChildren (8) GetChildrenResponse
 *   GetDataResult     type getData (4)   GetDataResponse
 *   ErrorResult       type error   (-1)  ErrorResponse
 * </pre>
 * ZooKeeper's server answers create2, createContainer and createTTL ops alike with a create2 result
 * ({@code FinalRequestProcessor}, multi case), so a client never sees result type 19 or 21.
 */
public sealed interface OpResult {
    /** The MultiHeader type of this result, an {@link OpCode}. */
    int type();

    /** Writes the record that follows the MultiHeader; nothing for delete and check. */
    void write(JuteOutput out);

    /** Reads the record that follows a MultiHeader of {@code type}, found at {@code headerAt}. */
    static OpResult read(int type, JuteInput in, int headerAt) {
        return switch (type) {
            case OpCode.CREATE -> new CreateResult(CreateResponse.read(in).path());
            case OpCode.CREATE2 -> {
                Create2Response created = Create2Response.read(in);
                yield new Create2Result(created.path(), created.stat());
            }
            case OpCode.DELETE -> new DeleteResult();
            case OpCode.SET_DATA -> new SetDataResult(SetDataResponse.read(in).stat());
            case OpCode.CHECK -> new CheckResult();
            case OpCode.GET_CHILDREN -> new GetChildrenResult(GetChildrenResponse.read(in).children());
            case OpCode.GET_DATA -> {
                GetDataResponse got = GetDataResponse.read(in);
                yield new GetDataResult(got.data(), got.stat());
            }
            case OpCode.ERROR -> new ErrorResult(ErrorResponse.read(in).err());
            default -> throw new MalformedRecordException(
                    "invalid result type " + type + " at offset " + headerAt + " in multi reply");
        };
    }

    /** A create op's result: the created path. */
    record CreateResult(String path) implements OpResult {
        @Override
        public int type() {
            return OpCode.CREATE;
        }

        @Override
        public void write(JuteOutput out) {
            new CreateResponse(path).write(out);
        }
    }

    /** A create2, createContainer or createTTL op's result: the created path and the new Stat. */
    record Create2Result(String path, Stat stat) implements OpResult {
        @Override
        public int type() {
            return OpCode.CREATE2;
        }

        @Override
        public void write(JuteOutput out) {
            new Create2Response(path, stat).write(out);
        }
    }

    /** A delete op's result; it has no body. */
    record DeleteResult() implements OpResult {
        @Override
        public int type() {
            return OpCode.DELETE;
        }

        @Override
        public void write(JuteOutput out) {}
    }

    /** A setData op's result: the Stat after the write. */
    record SetDataResult(Stat stat) implements OpResult {
        @Override
        public int type() {
            return OpCode.SET_DATA;
        }

        @Override
        public void write(JuteOutput out) {
            new SetDataResponse(stat).write(out);
        }
    }

    /** A check op's result; it has no body. */
    record CheckResult() implements OpResult {
        @Override
        public int type() {
            return OpCode.CHECK;
        }

        @Override
        public void write(JuteOutput out) {}
    }

    /** A getChildren op's result inside multiRead. */
    record GetChildrenResult(List<String> children) implements OpResult {
        @Override
        public int type() {
            return OpCode.GET_CHILDREN;
        }

        @Override
        public void write(JuteOutput out) {
            new GetChildrenResponse(children).write(out);
        }
    }

    /** A getData op's result inside multiRead. */
    record GetDataResult(byte[] data, Stat stat) implements OpResult {
        @Override
        public int type() {
            return OpCode.GET_DATA;
        }

        @Override
        public void write(JuteOutput out) {
            new GetDataResponse(data, stat).write(out);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof GetDataResult that
                    && Arrays.equals(data, that.data)
                    && Objects.equals(stat, that.stat);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(data), stat);
        }

        @Override
        public String toString() {
            return "GetDataResult[data=" + Bytes.preview(data) + ", stat=" + stat + "]";
        }
    }

    /**
     * A failed op's result. In a failed multi every op gets one: 0 for ops before the failing op, its
     * code for the failing op, RUNTIMEINCONSISTENCY (-2) for ops after it.
     */
    record ErrorResult(int err) implements OpResult {
        @Override
        public int type() {
            return OpCode.ERROR;
        }

        @Override
        public void write(JuteOutput out) {
            new ErrorResponse(err).write(out);
        }
    }
}
