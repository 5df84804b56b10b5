package dev.corral.wire;

/** Reply body of setData (zookeeper.jute {@code SetDataResponse}): the znode's Stat after the write. */
public record SetDataResponse(Stat stat) {
    public void write(JuteOutput out) {
        stat.write(out);
    }

    public static SetDataResponse read(JuteInput in) {
        return new SetDataResponse(Stat.read(in));
    }
}
