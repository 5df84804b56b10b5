package dev.corral.wire;

/**
 * Request body of addWatch (zookeeper.jute {@code AddWatchRequest}); mode 0 persistent, 1
 * persistent recursive (ZooKeeper 3.9: {@code AddWatchMode}).
 */
public record AddWatchRequest(String path, int mode) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(mode);
    }

    public static AddWatchRequest read(JuteInput in) {
        return new AddWatchRequest(in.readString(), in.readInt());
    }
}
