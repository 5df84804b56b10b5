package dev.corral.wire;

/**
 * Request body of getChildren2 (zookeeper.jute {@code GetChildren2Request}); same fields as
 * getChildren, the reply adds the parent's Stat.
 */
public record GetChildren2Request(String path, boolean watch) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }

    public static GetChildren2Request read(JuteInput in) {
        return new GetChildren2Request(in.readString(), in.readBool());
    }
}
