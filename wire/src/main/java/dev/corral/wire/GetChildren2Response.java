package dev.corral.wire;

import java.util.List;

/** Reply body of getChildren2 (zookeeper.jute {@code GetChildren2Response}). */
public record GetChildren2Response(List<String> children, Stat stat) {
    public void write(JuteOutput out) {
        out.writeStrings(children);
        stat.write(out);
    }

    public static GetChildren2Response read(JuteInput in) {
        return new GetChildren2Response(in.readStrings(), Stat.read(in));
    }
}
