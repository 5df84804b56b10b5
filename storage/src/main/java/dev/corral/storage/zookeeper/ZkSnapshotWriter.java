package dev.corral.storage.zookeeper;

import dev.corral.storage.StorageException;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a snapshot file in the format ZooKeeper 3.9.5 writes and reads (the grammar is in
 * {@link ZkSnapshotReader}), uncompressed, with the digest and last-zxid trailers of 3.9. Nodes go out
 * parents first from the root (path ""), as {@code DataTree#serializeNode} writes them; each distinct ACL
 * list gets one reference from 1 up, as {@code ReferenceCountedACLCache} numbers them.
 *
 * <p>The snapshot is whole, not fuzzy: its digest is the tree's at its own zxid, so ZooKeeper compares
 * it as soon as it has loaded the file ({@code FileSnap#deserialize}).
 */
final class ZkSnapshotWriter {
    /** ZooKeeper 3.9's {@code DigestCalculator} version. */
    static final int DIGEST_VERSION = 2;

    private ZkSnapshotWriter() {}

    /** Writes {@code snapshot} as {@code dir/snapshot.<zxid in hex>}, durable when this returns; returns the file. */
    static Path write(Path dir, TreeSnapshot snapshot) throws StorageException {
        Path file = dir.resolve(ZkFiles.SNAPSHOT_PREFIX + "." + Long.toHexString(snapshot.zxid()));
        Path temporary = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                OutputStream raw = Channels.newOutputStream(channel);
                BufferedOutputStream buffered = new BufferedOutputStream(raw, 1 << 16);
                CheckedOutputStream checked = new CheckedOutputStream(buffered, new Adler32());
                DataOutputStream out = new DataOutputStream(checked);
                writeBody(out, snapshot);
                seal(out, checked);
                out.writeLong(snapshot.zxid());
                out.writeInt(DIGEST_VERSION);
                out.writeLong(digest(snapshot));
                seal(out, checked);
                out.writeLong(snapshot.zxid());
                seal(out, checked);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageException("cannot write ZooKeeper snapshot " + file + ": " + e, e);
        }
        return file;
    }

    private static void writeBody(DataOutputStream out, TreeSnapshot snapshot) throws IOException {
        out.writeInt(ZkSnapshotReader.MAGIC);
        out.writeInt(2);
        out.writeLong(-1);
        out.writeInt(snapshot.sessions().size());
        for (Map.Entry<Long, Integer> session : snapshot.sessions().entrySet()) {
            out.writeLong(session.getKey());
            out.writeInt(session.getValue());
        }
        Map<List<Acl>, Long> refs = new LinkedHashMap<>();
        Map<String, Znode> byPath = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        snapshot.forEach(node -> {
            String path = node.path();
            byPath.put(path, node);
            refs.computeIfAbsent(node.acl(), acl -> (long) refs.size() + 1);
            if (!path.equals("/")) {
                children.computeIfAbsent(ZkTree.parentOf(path), k -> new ArrayList<>()).add(path);
            }
        });
        out.writeInt(refs.size());
        for (Map.Entry<List<Acl>, Long> entry : refs.entrySet()) {
            out.writeLong(entry.getValue());
            out.writeInt(entry.getKey().size());
            for (Acl acl : entry.getKey()) {
                out.writeInt(acl.perms());
                writeString(out, acl.id().scheme());
                writeString(out, acl.id().id());
            }
        }
        List<String> stack = new ArrayList<>();
        stack.add("/");
        while (!stack.isEmpty()) {
            String path = stack.remove(stack.size() - 1);
            Znode node = byPath.get(path);
            writeString(out, path.equals("/") ? "" : path);
            writeBuffer(out, node.data());
            out.writeLong(refs.get(node.acl()));
            ZkNode zk = toZk(node);
            out.writeLong(zk.czxid);
            out.writeLong(zk.mzxid);
            out.writeLong(zk.ctime);
            out.writeLong(zk.mtime);
            out.writeInt(zk.version);
            out.writeInt(zk.cversion);
            out.writeInt(zk.aversion);
            out.writeLong(zk.ephemeralOwner);
            out.writeLong(zk.pzxid);
            List<String> below = children.get(path);
            if (below != null) {
                below.sort(Collections.reverseOrder());
                stack.addAll(below);
            }
        }
        writeString(out, "/");
    }

    /** ZooKeeper's tree digest of the snapshot's nodes (see {@link ZkNode#digest}). */
    static long digest(TreeSnapshot snapshot) {
        long[] sum = {0};
        snapshot.forEach(node -> sum[0] += toZk(node).digest(node.path()));
        return sum[0];
    }

    /** Corral's node with ZooKeeper's packed ephemeralOwner. */
    static ZkNode toZk(Znode node) {
        long owner = switch (node.kind()) {
            case EPHEMERAL -> node.ephemeralOwner();
            case CONTAINER -> ZkNode.CONTAINER_OWNER;
            case TTL -> ZkNode.ttlOwner(node.ttlMs());
            case PERSISTENT -> 0;
        };
        return new ZkNode(node.data(), node.acl(), node.czxid(), node.mzxid(), node.ctime(), node.mtime(), node.version(),
                node.cversion(), node.aversion(), owner, node.pzxid());
    }

    private static void seal(DataOutputStream out, CheckedOutputStream checked) throws IOException {
        out.writeLong(checked.getChecksum().getValue());
        writeString(out, "/");
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        writeBuffer(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBuffer(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }
}
