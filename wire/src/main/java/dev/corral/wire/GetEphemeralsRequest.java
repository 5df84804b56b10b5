package dev.corral.wire;

/**
 * Request body of getEphemerals (zookeeper.jute {@code GetEphemeralsRequest}): the session's
 * ephemerals whose path starts with {@code prefixPath}.
 */
public record GetEphemeralsRequest(String prefixPath) {
    public void write(JuteOutput out) {
        out.writeString(prefixPath);
    }

    public static GetEphemeralsRequest read(JuteInput in) {
        return new GetEphemeralsRequest(in.readString());
    }
}
