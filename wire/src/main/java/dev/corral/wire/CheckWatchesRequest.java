package dev.corral.wire;

/**
 * Request body of checkWatches (zookeeper.jute {@code CheckWatchesRequest}); {@code type} is a
 * WatcherType: children 1, data 2, any 3, persistent 4, persistent recursive 5.
 */
public record CheckWatchesRequest(String path, int type) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(type);
    }

    public static CheckWatchesRequest read(JuteInput in) {
        return new CheckWatchesRequest(in.readString(), in.readInt());
    }
}
