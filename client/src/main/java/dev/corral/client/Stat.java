package dev.corral.client;

/**
 * A znode's metadata as the server returns it (ZooKeeper 3.9's {@code Stat}): the zxids and times of its
 * creation and last change, its data, child and ACL versions, its owner session if ephemeral (0 if not),
 * its data length, its number of children, and the zxid of the last change to its children.
 */
public record Stat(long czxid, long mzxid, long ctime, long mtime, int version, int cversion, int aversion,
        long ephemeralOwner, int dataLength, int numChildren, long pzxid) {

    static Stat of(dev.corral.wire.Stat stat) {
        return stat == null ? null : new Stat(stat.czxid(), stat.mzxid(), stat.ctime(), stat.mtime(), stat.version(),
                stat.cversion(), stat.aversion(), stat.ephemeralOwner(), stat.dataLength(), stat.numChildren(), stat.pzxid());
    }
}
