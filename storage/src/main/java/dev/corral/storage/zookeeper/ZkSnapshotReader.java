package dev.corral.storage.zookeeper;

import dev.corral.storage.StorageException;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.GZIPInputStream;

/**
 * Reads a ZooKeeper 3.5 to 3.9 snapshot file ({@code snapshot.<zxid>}, ZooKeeper's {@code FileSnap},
 * {@code SerializeUtils#deserializeSnapshot}, {@code DataTree#deserialize},
 * {@code ReferenceCountedACLCache#deserialize}) into a {@link ZkTree}.
 *
 * <pre>
 *   snapshot  = header sessions acls nodes seal [digest seal [lastZxid seal]]
 *   header    = magic:int("ZKSN") version:int(2) dbid:long(-1)          ; FileHeader
 *   sessions  = count:int (id:long timeoutMs:int){count}
 *   acls      = count:int (ref:long acl:vector&lt;perms:int scheme:ustring id:ustring&gt;){count}
 *   nodes     = (path:ustring node){*} "/":ustring  ; the root's path is "", parents before children
 *   node      = data:buffer aclRef:long stat       ; aclRef -1 is world:anyone with all permissions
 *   stat      = czxid:long mzxid:long ctime:long mtime:long version:int cversion:int aversion:int
 *               ephemeralOwner:long pzxid:long      ; StatPersisted
 *   seal      = adler32:long "/":ustring           ; Adler32 of every byte of the stream before it
 *   digest    = zxid:long digestVersion:int value  ; value = long, or a hex ustring if digestVersion &lt; 2 (3.6+)
 *   lastZxid  = long                               ; 3.9+
 * </pre>
 *
 * Compressed snapshots ({@code snapshot.<zxid>.gz}, {@code .snappy}: ZooKeeper's
 * {@code zookeeper.snapshot.compression.method}) hold the same stream compressed; the checksums are of
 * the uncompressed bytes, and so are the offsets in this reader's errors. Snappy is read with
 * snappy-java's stream format when that library is on the class path, and otherwise refused by name.
 *
 * <p>The zxid of a snapshot is the one in its file name, as ZooKeeper takes it; a snapshot is fuzzy and
 * may already hold txns after it (see {@link ZkTree}).
 *
 * <p>Tested on snapshots written by ZooKeeper 3.9.5 (with and without its trailers) and by ZooKeeper
 * 3.8.6 (digest, no lastZxid); see {@link ZooKeeperImport} for which versions were run.
 */
final class ZkSnapshotReader {
    static final int MAGIC = 0x5A4B534E; // "ZKSN"
    static final String SNAPPY_STREAM = "org.xerial.snappy.SnappyInputStream";

    /** The digest a snapshot ends with: ZooKeeper's tree digest once the txn {@code zxid} was applied. */
    record Digest(long zxid, int version, long value) {}

    /** A snapshot as read: its tree with sessions, and its digest if it has one (3.6+; zxid 0 means none). */
    record Snapshot(Path file, long zxid, ZkTree tree, Digest digest) {}

    private ZkSnapshotReader() {}

    /** Reads and checks {@code file}; any defect is a StorageException naming the file and the offset. */
    static Snapshot read(Path file) throws StorageException {
        long zxid = ZkFiles.zxidOf(file.getFileName().toString(), ZkFiles.SNAPSHOT_PREFIX);
        String name = file.getFileName().toString();
        String mode = name.endsWith(".gz") ? "gz" : name.endsWith(".snappy") ? "snappy" : "";
        String source = "ZooKeeper snapshot " + file + (mode.isEmpty() ? "" : " (" + mode + "; offsets are in the uncompressed stream)");
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream stream = switch (mode) {
                case "gz" -> new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16);
                case "snappy" -> snappy(raw, file, SNAPPY_STREAM);
                default -> new BufferedInputStream(raw, 1 << 16);
            };
            ZkStreamInput in = new ZkStreamInput(stream, new Adler32(), source);
            ZkTree tree = new ZkTree();
            readBody(in, tree);
            seal(in);
            Digest digest = null;
            if (!in.atEnd()) {
                digest = readDigest(in);
                seal(in);
                if (!in.atEnd()) {
                    in.readLong("last processed zxid");
                    seal(in);
                }
            }
            if (!in.atEnd()) {
                throw in.corrupt(in.position(), "bytes after the last seal");
            }
            tree.setLastProcessedZxid(zxid);
            return new Snapshot(file, zxid, tree, digest == null || digest.zxid() == 0 ? null : digest);
        } catch (StorageException e) {
            throw e;
        } catch (ZkStreamInput.Truncated e) {
            throw new StorageException(e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("cannot read ZooKeeper snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    private static void readBody(ZkStreamInput in, ZkTree tree) throws IOException {
        int magic = in.readInt("magic");
        if (magic != MAGIC) {
            throw in.corrupt(0, String.format("magic 0x%08x is not ZKSN (0x%08x): not a ZooKeeper snapshot", magic, MAGIC));
        }
        in.readInt("version");
        in.readLong("dbid");
        long at = in.position();
        int sessionCount = in.readInt("session count");
        if (sessionCount < 0) {
            throw in.corrupt(at, "a negative session count " + sessionCount);
        }
        for (int i = 0; i < sessionCount; i++) {
            long id = in.readLong("session id");
            tree.sessions().put(id, in.readInt("session timeout"));
        }
        Map<Long, List<Acl>> acls = readAcls(in);
        for (String path = in.readString("path"); !"/".equals(path); path = in.readString("path")) {
            long nodeAt = in.position();
            if (path == null || !(path.isEmpty() || path.startsWith("/"))) {
                throw in.corrupt(nodeAt, "a node path '" + path + "' that is not absolute");
            }
            byte[] data = in.readBuffer("data of " + path);
            long aclAt = in.position();
            long aclRef = in.readLong("ACL reference of " + path);
            List<Acl> acl = aclRef == -1 ? Acl.OPEN_ACL_UNSAFE : acls.get(aclRef);
            if (acl == null) {
                throw in.corrupt(aclAt, "node " + path + " refers to ACL " + aclRef + ", which the snapshot's ACL map lacks");
            }
            ZkNode node = new ZkNode(data, acl, in.readLong("czxid"), in.readLong("mzxid"), in.readLong("ctime"), in.readLong("mtime"),
                    in.readInt("version"), in.readInt("cversion"), in.readInt("aversion"), in.readLong("ephemeralOwner"),
                    in.readLong("pzxid"));
            String key = path.isEmpty() ? "/" : path;
            if (!tree.load(key, node)) {
                throw in.corrupt(nodeAt, "node " + path + " comes before its parent");
            }
        }
        if (!tree.nodes().containsKey("/")) {
            throw in.corrupt(in.position(), "no root node");
        }
    }

    private static Map<Long, List<Acl>> readAcls(ZkStreamInput in) throws IOException {
        long at = in.position();
        int count = in.readInt("ACL map size");
        if (count < 0) {
            throw in.corrupt(at, "a negative ACL map size " + count);
        }
        Map<Long, List<Acl>> acls = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long ref = in.readLong("ACL reference");
            long vectorAt = in.position();
            int size = in.readInt("ACL list size");
            if (size < 0 || size > 1 << 16) {
                throw in.corrupt(vectorAt, "an impossible ACL list size " + size);
            }
            List<Acl> list = new ArrayList<>(size);
            for (int j = 0; j < size; j++) {
                int perms = in.readInt("ACL perms");
                String scheme = in.readString("ACL scheme");
                String id = in.readString("ACL id");
                list.add(new Acl(perms, new Id(scheme, id)));
            }
            acls.put(ref, List.copyOf(list));
        }
        return acls;
    }

    private static Digest readDigest(ZkStreamInput in) throws IOException {
        long zxid = in.readLong("digest zxid");
        int version = in.readInt("digest version");
        if (version < 2) {
            String hex = in.readString("digest");
            return new Digest(zxid, version, hex == null ? 0 : Long.parseUnsignedLong(hex, 16));
        }
        return new Digest(zxid, version, in.readLong("digest"));
    }

    /** SnapStream#checkSealIntegrity: the Adler32 of everything before the seal, then "/". */
    private static void seal(ZkStreamInput in) throws IOException {
        long expected = in.checksum();
        long at = in.position();
        long stored = in.readLong("checksum");
        String slash = in.readString("checksum seal");
        if (stored != expected) {
            throw in.corrupt(at, String.format("Adler32 checksum mismatch: the file says %x, its bytes before offset %d sum to %x",
                    stored, at, expected));
        }
        if (!"/".equals(slash)) {
            throw in.corrupt(at + 8, "the checksum is not followed by \"/\"");
        }
    }

    /**
     * snappy-java's stream ({@code streamClass}), if the library is on the class path; ZooKeeper writes its
     * stream format. Loaded by name so that Corral's storage needs no native library to read other files.
     */
    static InputStream snappy(InputStream raw, Path file, String streamClass) throws IOException {
        try {
            Class<?> type = Class.forName(streamClass);
            return (InputStream) type.getConstructor(InputStream.class).newInstance(raw);
        } catch (ClassNotFoundException e) {
            throw new StorageException("ZooKeeper snapshot " + file + " is compressed with snappy"
                    + " (zookeeper.snapshot.compression.method=snappy), and no snappy library (snappy-java, " + streamClass + ") is on"
                    + " the class path: put snappy-java on it, or have ZooKeeper write a snapshot with the method gz or none");
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StorageException("ZooKeeper snapshot " + file + " (snappy) cannot be opened: " + cause, cause);
        }
    }
}
