package dev.corral.tree;

import dev.corral.wire.ErrorCode;

/** The kinds of znode a create request can ask for; flag numbers are ZooKeeper's {@code CreateMode}. */
public enum CreateMode {
    PERSISTENT(0, false, false),
    EPHEMERAL(1, true, false),
    PERSISTENT_SEQUENTIAL(2, false, true),
    EPHEMERAL_SEQUENTIAL(3, true, true),
    CONTAINER(4, false, false),
    PERSISTENT_WITH_TTL(5, false, false),
    PERSISTENT_SEQUENTIAL_WITH_TTL(6, false, true);

    private final int flag;
    private final boolean ephemeral;
    private final boolean sequential;

    CreateMode(int flag, boolean ephemeral, boolean sequential) {
        this.flag = flag;
        this.ephemeral = ephemeral;
        this.sequential = sequential;
    }

    public int flag() {
        return flag;
    }

    public boolean isEphemeral() {
        return ephemeral;
    }

    public boolean isSequential() {
        return sequential;
    }

    public boolean isContainer() {
        return this == CONTAINER;
    }

    public boolean isTtl() {
        return this == PERSISTENT_WITH_TTL || this == PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    public static CreateMode fromFlag(int flag) throws KeeperError {
        for (CreateMode mode : values()) {
            if (mode.flag == flag) {
                return mode;
            }
        }
        throw new KeeperError(ErrorCode.BADARGUMENTS, "received an invalid flag value: " + flag + " to convert to a CreateMode");
    }
}
