package dev.corral.wire;

/** Request body of check, used only inside multi (zookeeper.jute {@code CheckVersionRequest}). */
public record CheckVersionRequest(String path, int version) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(version);
    }

    public static CheckVersionRequest read(JuteInput in) {
        return new CheckVersionRequest(in.readString(), in.readInt());
    }
}
