package dev.corral.wire;

/**
 * Reply body of create2, createContainer and createTTL (zookeeper.jute {@code Create2Response}): the
 * created path and the new znode's Stat.
 */
public record Create2Response(String path, Stat stat) {
    public void write(JuteOutput out) {
        out.writeString(path);
        stat.write(out);
    }

    public static Create2Response read(JuteInput in) {
        return new Create2Response(in.readString(), Stat.read(in));
    }
}
