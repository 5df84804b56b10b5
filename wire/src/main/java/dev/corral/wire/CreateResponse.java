package dev.corral.wire;

/**
 * Reply body of create (zookeeper.jute {@code CreateResponse}): the path actually created, which
 * differs from the requested one for sequential nodes.
 */
public record CreateResponse(String path) {
    public void write(JuteOutput out) {
        out.writeString(path);
    }

    public static CreateResponse read(JuteInput in) {
        return new CreateResponse(in.readString());
    }
}
