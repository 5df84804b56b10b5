package dev.corral.sim.check;

import java.util.List;
import java.util.Objects;

/**
 * The output of a ZooKeeper client operation, as {@link ZkModel} sees it: only what the model decides,
 * so a recorder keeps from a reply the created path, the version in the Stat, the data, or the error code.
 */
public sealed interface ZkResult {

    /** The error codes the model produces, named as in ZooKeeper's {@code KeeperException.Code}. */
    enum Code {
        NONODE,
        NODEEXISTS,
        BADVERSION,
        NOTEMPTY
    }

    record Created(String path) implements ZkResult {
        public Created {
            Objects.requireNonNull(path, "path");
        }
    }

    /** setData succeeded; {@code version} is the new version in the returned Stat. */
    record DataSet(int version) implements ZkResult {}

    record Deleted() implements ZkResult {}

    record Checked() implements ZkResult {}

    record Data(String data, int version) implements ZkResult {
        public Data {
            Objects.requireNonNull(data, "data");
        }
    }

    record Synced() implements ZkResult {}

    record Error(Code code) implements ZkResult {
        public Error {
            Objects.requireNonNull(code, "code");
        }
    }

    /** Every operation of a multi succeeded; one result per operation, in order. */
    record MultiDone(List<ZkResult> results) implements ZkResult {
        public MultiDone {
            results = List.copyOf(results);
        }
    }

    /** A multi failed as a whole: its operation at {@code index} (from 0) failed with {@code code}. */
    record MultiFailed(int index, Code code) implements ZkResult {
        public MultiFailed {
            Objects.requireNonNull(code, "code");
        }
    }
}
