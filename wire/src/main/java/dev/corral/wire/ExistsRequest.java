package dev.corral.wire;

/**
 * Request body of exists (zookeeper.jute {@code ExistsRequest}); {@code watch} leaves a data watch
 * if the znode exists and an exist watch if it does not.
 */
public record ExistsRequest(String path, boolean watch) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }

    public static ExistsRequest read(JuteInput in) {
        return new ExistsRequest(in.readString(), in.readBool());
    }
}
