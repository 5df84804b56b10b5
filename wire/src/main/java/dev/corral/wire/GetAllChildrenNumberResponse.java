package dev.corral.wire;

/**
 * Reply body of getAllChildrenNumber (zookeeper.jute {@code GetAllChildrenNumberResponse}): the
 * number of descendants, not counting the znode itself.
 */
public record GetAllChildrenNumberResponse(int totalNumber) {
    public void write(JuteOutput out) {
        out.writeInt(totalNumber);
    }

    public static GetAllChildrenNumberResponse read(JuteInput in) {
        return new GetAllChildrenNumberResponse(in.readInt());
    }
}
