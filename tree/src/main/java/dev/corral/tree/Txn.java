package dev.corral.tree;

import dev.corral.wire.Acl;
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
     * Creates one znode. {@code type} is the request's opcode (create, create2, createContainer,
     * createTTL), which decides the shape of the reply; {@code parentCversion} is the parent's stored
     * cversion after this create.
     */
    record Create(int type, String path, byte[] data, List<Acl> acl, NodeKind kind, long ephemeralOwner,
            long ttlMs, int parentCversion) implements Txn {
        public Create {
            acl = List.copyOf(acl);
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

    /** Deletes one childless znode (delete, deleteContainer, and the reaper's deletes). */
    record Delete(String path) implements Txn {}

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

    /** A version check inside a multi; it changes nothing. */
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
