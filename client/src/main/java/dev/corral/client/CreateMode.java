package dev.corral.client;

/**
 * How {@link CorralClient#create} creates a znode: ZooKeeper 3.9's {@code CreateMode}, with the flag it
 * carries on the wire. A sequential znode gets a ten-digit counter appended to its name; an ephemeral one
 * ends with its session; a container is deleted by the server once its last child is; a TTL znode is
 * deleted once it has had no child and no change for its TTL.
 */
public enum CreateMode {
    PERSISTENT(0),
    EPHEMERAL(1),
    PERSISTENT_SEQUENTIAL(2),
    EPHEMERAL_SEQUENTIAL(3),
    CONTAINER(4),
    PERSISTENT_WITH_TTL(5),
    PERSISTENT_SEQUENTIAL_WITH_TTL(6);

    private final int flag;

    CreateMode(int flag) {
        this.flag = flag;
    }

    /** The flag of CreateRequest and CreateTTLRequest. */
    public int flag() {
        return flag;
    }

    public boolean isSequential() {
        return this == PERSISTENT_SEQUENTIAL || this == EPHEMERAL_SEQUENTIAL || this == PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    public boolean isEphemeral() {
        return this == EPHEMERAL || this == EPHEMERAL_SEQUENTIAL;
    }

    public boolean isTtl() {
        return this == PERSISTENT_WITH_TTL || this == PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    public boolean isContainer() {
        return this == CONTAINER;
    }

    /** The mode of a wire flag; an unknown one is refused, as ZooKeeper's {@code fromFlag} refuses it. */
    public static CreateMode of(int flag) {
        for (CreateMode mode : values()) {
            if (mode.flag == flag) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Received an invalid flag value: " + flag + " to convert to a CreateMode");
    }
}
