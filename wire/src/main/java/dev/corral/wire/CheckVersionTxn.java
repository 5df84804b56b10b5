package dev.corral.wire;

/**
 * The txn of a version check inside a multi (zookeeper.jute {@code CheckVersionTxn}). It changes nothing;
 * ZooKeeper 3.9 records the node's version plus one ({@code PrepRequestProcessor#checkAndIncVersion}).
 */
public record CheckVersionTxn(String path, int version) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(version);
    }

    public static CheckVersionTxn read(JuteInput in) {
        return new CheckVersionTxn(in.readString(), in.readInt());
    }
}
