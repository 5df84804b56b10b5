package dev.corral.wire;

/** Request body of getACL (zookeeper.jute {@code GetACLRequest}). */
public record GetACLRequest(String path) {
    public void write(JuteOutput out) {
        out.writeString(path);
    }

    public static GetACLRequest read(JuteInput in) {
        return new GetACLRequest(in.readString());
    }
}
