package dev.corral.wire;

import java.util.List;

/**
 * Request body of setACL (zookeeper.jute {@code SetACLRequest}); {@code version} is checked against
 * the aversion, -1 matches any.
 */
public record SetACLRequest(String path, List<Acl> acl, int version) {
    public void write(JuteOutput out) {
        out.writeString(path);
        Acl.writeList(out, acl);
        out.writeInt(version);
    }

    public static SetACLRequest read(JuteInput in) {
        return new SetACLRequest(in.readString(), Acl.readShared(in), in.readInt());
    }
}
