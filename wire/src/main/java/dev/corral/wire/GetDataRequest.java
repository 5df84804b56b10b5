package dev.corral.wire;

/** Request body of getData (zookeeper.jute {@code GetDataRequest}); also a read op inside multiRead. */
public record GetDataRequest(String path, boolean watch) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }

    public static GetDataRequest read(JuteInput in) {
        return new GetDataRequest(in.readString(), in.readBool());
    }
}
