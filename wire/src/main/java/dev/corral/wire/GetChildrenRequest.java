package dev.corral.wire;

/**
 * Request body of getChildren (zookeeper.jute {@code GetChildrenRequest}); also a read op inside
 * multiRead.
 */
public record GetChildrenRequest(String path, boolean watch) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }

    public static GetChildrenRequest read(JuteInput in) {
        return new GetChildrenRequest(in.readString(), in.readBool());
    }
}
