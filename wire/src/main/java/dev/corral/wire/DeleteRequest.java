package dev.corral.wire;

/** Request body of delete (zookeeper.jute {@code DeleteRequest}); version -1 matches any version. */
public record DeleteRequest(String path, int version) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(version);
    }

    public static DeleteRequest read(JuteInput in) {
        return new DeleteRequest(in.readString(), in.readInt());
    }
}
