package dev.corral.wire;

import java.util.List;

/** Reply body of getChildren (zookeeper.jute {@code GetChildrenResponse}): child names, not paths. */
public record GetChildrenResponse(List<String> children) {
    public void write(JuteOutput out) {
        out.writeStrings(children);
    }

    public static GetChildrenResponse read(JuteInput in) {
        return new GetChildrenResponse(in.readStrings());
    }
}
