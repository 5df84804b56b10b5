package dev.corral.tree;

import dev.corral.wire.Acl;
import java.util.List;

/**
 * What the preparer needs to know of a znode: the fields its checks read and its txns change. It is the
 * node as it will be once every txn prepared so far has been applied (ZooKeeper's {@code ChangeRecord}).
 */
record NodeState(int version, int cversion, int aversion, int numChildren, NodeKind kind, long ephemeralOwner, List<Acl> acl) {

    static NodeState of(Znode node) {
        return new NodeState(node.version(), node.cversion(), node.aversion(), node.numChildren(), node.kind(),
                node.ephemeralOwner(), node.acl());
    }

    NodeState withVersion(int newVersion) {
        return new NodeState(newVersion, cversion, aversion, numChildren, kind, ephemeralOwner, acl);
    }

    NodeState withAcl(List<Acl> newAcl, int newAversion) {
        return new NodeState(version, cversion, newAversion, numChildren, kind, ephemeralOwner, newAcl);
    }

    NodeState withChildAdded(int newCversion) {
        return new NodeState(version, newCversion, aversion, numChildren + 1, kind, ephemeralOwner, acl);
    }

    NodeState withChildRemoved() {
        return new NodeState(version, cversion, aversion, numChildren - 1, kind, ephemeralOwner, acl);
    }
}
