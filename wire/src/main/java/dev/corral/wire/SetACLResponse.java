package dev.corral.wire;

/** Reply body of setACL (zookeeper.jute {@code SetACLResponse}). */
public record SetACLResponse(Stat stat) {
    public void write(JuteOutput out) {
        stat.write(out);
    }

    public static SetACLResponse read(JuteInput in) {
        return new SetACLResponse(Stat.read(in));
    }
}
