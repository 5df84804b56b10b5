package dev.corral.wire;

/**
 * Request body of removeWatches (zookeeper.jute {@code RemoveWatchesRequest}); {@code type} as in
 * {@link CheckWatchesRequest}.
 */
public record RemoveWatchesRequest(String path, int type) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(type);
    }

    public static RemoveWatchesRequest read(JuteInput in) {
        return new RemoveWatchesRequest(in.readString(), in.readInt());
    }
}
