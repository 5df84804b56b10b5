package dev.corral.wire;

/** Reply body of exists when the znode exists (zookeeper.jute {@code ExistsResponse}). */
public record ExistsResponse(Stat stat) {
    public void write(JuteOutput out) {
        stat.write(out);
    }

    public static ExistsResponse read(JuteInput in) {
        return new ExistsResponse(Stat.read(in));
    }
}
