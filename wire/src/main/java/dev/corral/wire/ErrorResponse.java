package dev.corral.wire;

/** Body of an error result inside a multi reply (zookeeper.jute {@code ErrorResponse}). */
public record ErrorResponse(int err) {
    public void write(JuteOutput out) {
        out.writeInt(err);
    }

    public static ErrorResponse read(JuteInput in) {
        return new ErrorResponse(in.readInt());
    }
}
