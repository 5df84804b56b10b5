package dev.corral.wire;

import java.util.List;

/** Reply body of getACL (zookeeper.jute {@code GetACLResponse}). */
public record GetACLResponse(List<Acl> acl, Stat stat) {
    public void write(JuteOutput out) {
        Acl.writeList(out, acl);
        stat.write(out);
    }

    public static GetACLResponse read(JuteInput in) {
        return new GetACLResponse(Acl.readList(in), Stat.read(in));
    }
}
