package dev.corral.wire;

/** Request body of sync (zookeeper.jute {@code SyncRequest}). */
public record SyncRequest(String path) {
    public void write(JuteOutput out) {
        out.writeString(path);
    }

    public static SyncRequest read(JuteInput in) {
        return new SyncRequest(in.readString());
    }
}
