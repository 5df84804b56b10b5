package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.OpCode;
import java.util.Arrays;
import java.util.List;

/**
 * A state change, decided by the preparer and applied by every server in zxid order. Applying a txn needs
 * no decision: sequence numbers, versions, owners and times are all fixed in it, so the applier is a pure
 * function of (tree, txn). These mirror ZooKeeper's txn records (zookeeper.jute, module
 * {@code org.apache.zookeeper.txn}).
 */
public sealed interface Txn {

    /**
     * Creates one znode. {@code type} is the txn type ZooKeeper logs for it ({@link #typeFor}): create or
     * create2 for a persistent or ephemeral node, createContainer for a container, createTTL for a TTL node.
     * {@code parentCversion} is the parent's stored cversion after this create.
     *
     * <p>Invariants, which let the txn travel as ZooKeeper's records (see {@link TxnCodec}): the type
     * matches the kind; {@code ephemeralOwner} is the creating session for an ephemeral and 0 otherwise;
     * {@code ttlMs} is positive for a TTL node and 0 otherwise.
     */
    record Create(int type, String path, byte[] data, List<Acl> acl, NodeKind kind, long ephemeralOwner,
            long ttlMs, int parentCversion) implements Txn {
        public Create {
            acl = List.copyOf(acl);
            Invariants.check(type == typeFor(kind, type), "create of %s %s with txn type %d", kind, path, type);
            Invariants.check((kind == NodeKind.EPHEMERAL) == (ephemeralOwner != 0), "create of %s %s owned by %x", kind,
                    path, ephemeralOwner);
            Invariants.check((kind == NodeKind.TTL) == (ttlMs > 0), "create of %s %s with ttl %d", kind, path, ttlMs);
        }

        /**
         * The txn type of a create of {@code kind} asked for by a request of {@code requestType}. ZooKeeper
         * derives the kind from the txn type (createContainer, createTTL) and the ephemeral flag
         * ({@code DataTree#processTxn}), while Corral, like ZooKeeper's preparer, takes it from the create
         * mode; the two differ only for a request whose opcode and mode disagree (createContainer with
         * a non-container mode, say), which ZooKeeper's client never sends. Such a create is logged under
         * the type that says what Corral creates; create2 stands for the other opcodes, whose reply also
         * carries a Stat. The reply is shaped by the request's opcode, never by this type.
         */
        public static int typeFor(NodeKind kind, int requestType) {
            return switch (kind) {
                case CONTAINER -> OpCode.CREATE_CONTAINER;
                case TTL -> OpCode.CREATE_TTL;
                case PERSISTENT, EPHEMERAL -> requestType == OpCode.CREATE ? OpCode.CREATE : OpCode.CREATE2;
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Create c && type == c.type && path.equals(c.path) && Arrays.equals(data, c.data)
                    && acl.equals(c.acl) && kind == c.kind && ephemeralOwner == c.ephemeralOwner && ttlMs == c.ttlMs
                    && parentCversion == c.parentCversion;
        }

        @Override
        public int hashCode() {
            return path.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Create[" + path + ", " + kind + ", " + (data == null ? 0 : data.length) + " bytes, cversion=" + parentCversion + "]";
        }
    }

    /**
     * Deletes one childless znode. {@code type} is delete, or deleteContainer for the leader's own delete
     * of an empty container or expired TTL node, as ZooKeeper logs them.
     */
    record Delete(int type, String path) implements Txn {
        public Delete {
            Invariants.check(type == OpCode.DELETE || type == OpCode.DELETE_CONTAINER, "delete of %s with txn type %d", path,
                    type);
        }

        /** A client's delete. */
        public Delete(String path) {
            this(OpCode.DELETE, path);
        }
    }

    record SetData(String path, byte[] data, int version) implements Txn {
        @Override
        public boolean equals(Object o) {
            return o instanceof SetData s && path.equals(s.path) && Arrays.equals(data, s.data) && version == s.version;
        }

        @Override
        public int hashCode() {
            return path.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "SetData[" + path + ", " + (data == null ? 0 : data.length) + " bytes, version=" + version + "]";
        }
    }

    record SetAcl(String path, List<Acl> acl, int aversion) implements Txn {
        public SetAcl {
            acl = List.copyOf(acl);
        }
    }

    /**
     * A version check inside a multi; it changes nothing. {@code version} is the node's version plus one,
     * as ZooKeeper 3.9 records it ({@code PrepRequestProcessor}: {@code checkAndIncVersion}).
     */
    record Check(String path, int version) implements Txn {}

    /** A request that failed in preparation: it consumes its zxid and changes nothing. */
    record Error(int err) implements Txn {}

    /**
     * All-or-nothing list of txns. If any op failed in preparation every entry is an {@link Error}: 0
     * before the failing op, its code at it, RUNTIMEINCONSISTENCY after it, as ZooKeeper records it.
     */
    record Multi(List<Txn> txns) implements Txn {
        public Multi {
            txns = List.copyOf(txns);
        }

        public boolean failed() {
            return txns.stream().anyMatch(t -> t instanceof Error);
        }
    }

    record CreateSession(long sessionId, int timeoutMs) implements Txn {}

    /** Ends a session; {@code ephemerals} are the paths it owned when the close was prepared, deleted in order. */
    record CloseSession(long sessionId, List<String> ephemerals) implements Txn {
        public CloseSession {
            ephemerals = List.copyOf(ephemerals);
        }
    }
}
