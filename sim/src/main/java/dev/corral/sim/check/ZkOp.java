package dev.corral.sim.check;

import java.util.List;
import java.util.Objects;

/**
 * The input of a ZooKeeper client operation, as {@link ZkModel} sees it. Data is a string holding the
 * bytes one per char ({@link #data(byte[])}: ISO-8859-1, which maps every byte value), so that inputs
 * and states are values with {@code equals}.
 *
 * <p>Versions are {@code int}s as in ZooKeeper's Stat; {@code expectedVersion} -1 matches any version.
 * A sequential create's {@code path} is the prefix the server appends its ten-digit counter to.
 */
public sealed interface ZkOp {

    /** The bytes of a znode's data as {@link ZkOp} and {@link ZkResult} hold them; {@code null} counts as empty. */
    static String data(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** create (persistent or ephemeral: the model does not end sessions) or create with a sequential flag. */
    record Create(String path, String data, boolean sequential) implements ZkOp {
        public Create {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(data, "data");
        }
    }

    record SetData(String path, String data, int expectedVersion) implements ZkOp {
        public SetData {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(data, "data");
        }
    }

    record Delete(String path, int expectedVersion) implements ZkOp {
        public Delete {
            Objects.requireNonNull(path, "path");
        }
    }

    /** A version check; ZooKeeper offers it inside a multi. */
    record Check(String path, int expectedVersion) implements ZkOp {
        public Check {
            Objects.requireNonNull(path, "path");
        }
    }

    record GetData(String path) implements ZkOp {
        public GetData {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * sync: changes nothing, but it is linearizable, so a session's reads after it see every write that
     * completed before the sync was called, even when the model's reads are only sequentially consistent.
     */
    record Sync(String path) implements ZkOp {
        public Sync {
            Objects.requireNonNull(path, "path");
        }
    }

    /** All of {@code ops} take effect, in order, or none does. */
    record Multi(List<ZkOp> ops) implements ZkOp {
        public Multi {
            ops = List.copyOf(ops);
            for (ZkOp op : ops) {
                if (op instanceof GetData || op instanceof Sync || op instanceof Multi) {
                    throw new IllegalArgumentException("a multi holds creates, setDatas, deletes and checks, not " + op);
                }
            }
        }
    }
}
