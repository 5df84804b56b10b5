package dev.corral.bench;

/** The two servers the bench compares. The ratio of every figure is Corral's divided by ZooKeeper's. */
enum ServerKind {
    ZOOKEEPER("zookeeper", "Apache ZooKeeper"),
    CORRAL("corral", "Corral");

    private final String id;
    private final String displayName;

    ServerKind(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    String id() {
        return id;
    }

    String displayName() {
        return displayName;
    }
}
