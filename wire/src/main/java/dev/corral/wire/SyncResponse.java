package dev.corral.wire;

/** Reply body of sync (zookeeper.jute {@code SyncResponse}). */
public record SyncResponse(String path) {
    public void write(JuteOutput out) {
        out.writeString(path);
    }

    public static SyncResponse read(JuteInput in) {
        return new SyncResponse(in.readString());
    }
}
