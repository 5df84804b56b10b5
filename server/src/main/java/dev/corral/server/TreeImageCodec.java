package dev.corral.server;

import dev.corral.storage.SnapshotFile;
import dev.corral.storage.StorageException;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import dev.corral.zab.codec.SnapshotImageCodec;

/**
 * The image of a SNAP on the learner stream: the tree and sessions ({@link TreeSnapshot}) in the bytes of
 * a Corral snapshot file ({@link SnapshotFile#encode}), so that a learner checks what it received (CRC,
 * then the tree digest) exactly as it checks a snapshot file at recovery, and installs it as one. Corral to
 * Corral only: a ZooKeeper learner expects ZooKeeper's own snapshot serialization here.
 */
final class TreeImageCodec implements SnapshotImageCodec {
    @Override
    public byte[] encode(Object image) {
        return SnapshotFile.encode((TreeSnapshot) image);
    }

    @Override
    public Object decode(byte[] bytes) {
        SnapshotFile.Loaded loaded;
        try {
            loaded = SnapshotFile.decode(bytes);
        } catch (StorageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new TreeSnapshot(loaded.zxid(), loaded.nodes().toArray(Znode[]::new),
                loaded.sessions(), loaded.digest());
    }
}
