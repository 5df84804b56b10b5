package dev.corral.wire;

import java.util.List;

/** The txn of setACL (zookeeper.jute {@code SetACLTxn}); {@code version} is the aversion after the change. */
public record SetACLTxn(String path, List<Acl> acl, int version) {
    public void write(JuteOutput out) {
        out.writeString(path);
        Acl.writeList(out, acl);
        out.writeInt(version);
    }

    public static SetACLTxn read(JuteInput in) {
        return new SetACLTxn(in.readString(), Acl.readShared(in), in.readInt());
    }
}
