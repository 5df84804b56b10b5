package dev.corral.storage;

import dev.corral.tree.NodeKind;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One snapshot file: the whole state at a zxid, written once and never changed.
 *
 * <pre>
 *   snapshot = header sessions nodes trailer
 *   header   = magic:int("CRSN") version:int(1) zxid:long digest:long
 *   sessions = count:int session{count}
 *   session  = sessionId:long timeoutMs:int
 *   nodes    = count:int node{count}                ; any order; children follow from the paths
 *   node     = path:string data:buffer acl:vector&lt;acl&gt; czxid:long ctime:long mzxid:long mtime:long
 *              pzxid:long version:int cversion:int aversion:int kind:int ephemeralOwner:long ttlMs:long
 *   acl      = perms:int scheme:string id:string
 *   string   = length:int utf8{length}               ; buffer likewise, length -1 for null data
 *   trailer  = crc:int                              ; CRC32C of every byte before it
 * </pre>
 *
 * A file is written under a temporary name, fsynced, then renamed, so a crash leaves either the whole
 * snapshot or none. On load the CRC covers the bytes and the digest covers the tree built from them.
 */
public final class SnapshotFile {
    static final int MAGIC = 0x4352534E;
    static final int VERSION = 1;
    static final String PREFIX = "snapshot.";
    static final String SUFFIX = ".snap";
    private static final int STRING_MAX = 16 << 20;
    private static final int BUFFER_MAX = 256 << 20;

    /** A snapshot as read back: the state to load into a tree and a session table. */
    public record Loaded(Path file, long zxid, long digest, Map<Long, Integer> sessions, List<Znode> nodes) {}

    /** What a snapshot holds besides its nodes, once the whole file has been read and checked. */
    public record Header(Path file, long zxid, long digest, Map<Long, Integer> sessions, int nodeCount) {}

    /**
     * Where a read hands a snapshot's nodes, one at a time in the file's order, before the file's CRC has
     * been checked: a read that throws leaves the sink holding what it was given until then.
     */
    public interface NodeSink {
        /** Called once, before the first node: how many the file says follow. */
        default void expect(int nodeCount) {}

        /** The next node; it holds its path. */
        void node(Znode node);

        /** The next {@code count} nodes, {@code nodes[0, count)}, in order: as many calls of {@link #node}. */
        default void nodes(Znode[] nodes, int count) {
            for (int i = 0; i < count; i++) {
                node(nodes[i]);
            }
        }
    }

    private SnapshotFile() {}

    public static String fileName(long zxid) {
        return PREFIX + String.format("%016x", zxid) + SUFFIX;
    }

    /** The zxid a snapshot file name carries, or -1 if it is not a snapshot file's name. */
    public static long zxidOf(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)) {
            return -1;
        }
        String hex = fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length());
        try {
            return hex.length() == 16 ? Long.parseUnsignedLong(hex, 16) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Writes {@code snapshot} into {@code dir} and returns its path; durable when this returns. */
    public static Path write(Path dir, TreeSnapshot snapshot) throws StorageException {
        Path file = dir.resolve(fileName(snapshot.zxid()));
        Path temporary = dir.resolve(fileName(snapshot.zxid()) + ".tmp");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot write snapshot " + file + ": " + e, e);
        }
        writeUnnamed(temporary, snapshot);
        DurableFiles.rename(temporary, file);
        return file;
    }

    /**
     * Writes {@code snapshot} to {@code temporary}, a name recovery does not load, and fsyncs it; the caller
     * gives it its snapshot name by a rename when the snapshot may take effect.
     */
    static void writeUnnamed(Path temporary, TreeSnapshot snapshot) throws StorageException {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            SnapshotOutput out = new SnapshotOutput(channel);
            writeBody(out, snapshot);
            out.writeTrailer();
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot write snapshot " + temporary + ": " + e, e);
        }
    }

    private static void writeBody(SnapshotOutput out, TreeSnapshot snapshot) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(snapshot.zxid());
        out.writeLong(snapshot.digest());
        out.writeInt(snapshot.sessions().size());
        for (Map.Entry<Long, Integer> session : snapshot.sessions().entrySet()) {
            out.writeLong(session.getKey());
            out.writeInt(session.getValue());
        }
        out.writeInt(snapshot.nodeCount());
        for (Znode node : snapshot.nodes()) {
            if (node != null) {
                writeNode(out, node);
            }
        }
    }

    private static void writeNode(SnapshotOutput out, Znode node) throws IOException {
        // The path and the data as the node holds them, without a copy: a length, then the bytes (-1 for null data).
        node.writePath((bytes, offset, length) -> {
            out.writeInt(length);
            out.write(bytes, offset, length);
        });
        if (node.dataIsNull()) {
            out.writeInt(-1);
        } else {
            node.writeData((bytes, offset, length) -> {
                out.writeInt(length);
                out.write(bytes, offset, length);
            });
        }
        writeAcl(out, node.acl());
        out.writeLong(node.czxid());
        out.writeLong(node.ctime());
        out.writeLong(node.mzxid());
        out.writeLong(node.mtime());
        out.writeLong(node.pzxid());
        out.writeInt(node.version());
        out.writeInt(node.cversion());
        out.writeInt(node.aversion());
        out.writeInt(node.kind().ordinal());
        out.writeLong(node.ephemeralOwner());
        out.writeLong(node.ttlMs());
    }

    private static void writeAcl(SnapshotOutput out, List<Acl> acl) throws IOException {
        out.writeInt(acl.size());
        for (Acl entry : acl) {
            out.writeInt(entry.perms());
            writeBytes(out, entry.id().scheme().getBytes(StandardCharsets.UTF_8));
            writeBytes(out, entry.id().id().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void writeBytes(SnapshotOutput out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Reads and checks a snapshot file; any defect is a StorageException naming the file and the cause. */
    public static Loaded read(Path file) throws StorageException {
        return read(file, SnapshotInput.CHUNK_BYTES);
    }

    /** {@link #read(Path)} with a reader buffer of at most {@code chunkBytes}, so tests can make values straddle refills. */
    static Loaded read(Path file, int chunkBytes) throws StorageException {
        Collected nodes = new Collected();
        Header header = read(file, nodes, chunkBytes);
        return nodes.loaded(header);
    }

    /**
     * Reads and checks a snapshot file, handing its nodes to {@code sink} as they are read instead of
     * keeping them; the header comes back once the CRC has been checked. {@link OverlappedSnapshotRead}
     * runs this on a thread of its own.
     */
    public static Header read(Path file, NodeSink sink) throws StorageException {
        return read(file, sink, SnapshotInput.CHUNK_BYTES);
    }

    private static Header read(Path file, NodeSink sink, int chunkBytes) throws StorageException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel, channel.size(), file, file, sink, chunkBytes);
        } catch (IOException e) {
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot read snapshot " + file + ": " + e, e);
        }
    }

    /**
     * The bytes of a snapshot file of {@code snapshot}, in memory: what a leader sends a learner in a SNAP,
     * so that the learner checks it (CRC, then digest) as it checks a file.
     */
    public static byte[] encode(TreeSnapshot snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            SnapshotOutput out = new SnapshotOutput(java.nio.channels.Channels.newChannel(bytes));
            writeBody(out, snapshot);
            out.writeTrailer();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("a byte array stream cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** A snapshot from the bytes {@link #encode} made, checked as a file is; its {@code file} is null. */
    public static Loaded decode(byte[] bytes) throws StorageException {
        String source = "received image of " + bytes.length + " bytes";
        try {
            Collected nodes = new Collected();
            Header header = read(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), bytes.length, null,
                    source, nodes, SnapshotInput.CHUNK_BYTES);
            return nodes.loaded(header);
        } catch (IOException e) {
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot read snapshot " + source + ": " + e, e);
        }
    }

    /** Reads {@code size} bytes of a snapshot from {@code channel}; {@code file} names it in errors. */
    private static Header read(java.nio.channels.ReadableByteChannel channel, long size, Path path, Object file, NodeSink sink,
            int chunkBytes) throws IOException {
        try {
            if (size < 28) {
                throw new StorageException("snapshot " + file + " is " + size + " bytes, shorter than its header and trailer");
            }
            SnapshotInput in = new SnapshotInput(channel, size - 4, chunkBytes);
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new StorageException("snapshot " + file + " has a bad magic or version");
            }
            long zxid = in.readLong();
            long digest = in.readLong();
            int sessionCount = count(in, 12, file, "session");
            Map<Long, Integer> sessions = new HashMap<>();
            for (int i = 0; i < sessionCount; i++) {
                sessions.put(in.readLong(), in.readInt());
            }
            int nodeCount = count(in, 60, file, "node");
            sink.expect(nodeCount);
            AclReader acls = new AclReader();
            PathBuffer paths = new PathBuffer();
            for (int i = 0; i < nodeCount; i++) {
                sink.node(readNode(in, file, acls, paths));
            }
            if (in.remaining() != 0) {
                throw new StorageException("snapshot " + file + " has " + in.remaining() + " unread bytes before its trailer");
            }
            if (in.readTrailer() != in.crc()) {
                throw new StorageException("snapshot " + file + " fails its CRC check");
            }
            return new Header(path, zxid, digest, sessions, nodeCount);
        } catch (EOFException e) {
            throw new StorageException("snapshot " + file + " is truncated", e);
        } catch (RuntimeException e) {
            throw new StorageException("snapshot " + file + " holds an invalid node: " + e.getMessage(), e);
        }
    }

    /** Where a node's path is read before its data's length, which the node's one array needs, is known. */
    private static final class PathBuffer {
        byte[] bytes = new byte[256];
        int length;

        void read(SnapshotInput in, Object file) throws IOException {
            length = readLength(in, STRING_MAX, file, false);
            if (length > bytes.length) {
                bytes = new byte[Math.max(length, 2 * bytes.length)];
            }
            in.readFully(bytes, 0, length);
        }
    }

    /**
     * Reads one node, its path and data straight into the node's one array; its ACL list is the one
     * {@code acls} shares with every earlier node of an equal ACL.
     */
    private static Znode readNode(SnapshotInput in, Object file, AclReader acls, PathBuffer path) throws IOException {
        path.read(in, file);
        if (path.length == 0) {
            throw new StorageException("snapshot " + file + " has a node with an empty path");
        }
        int dataLength = readLength(in, BUFFER_MAX, file, true);
        byte[] bytes = Znode.layout(path.length, dataLength);
        int pathOffset = Znode.pathOffset(bytes);
        System.arraycopy(path.bytes, 0, bytes, pathOffset, path.length);
        in.readFully(bytes, pathOffset + path.length, bytes.length);
        List<Acl> acl = acls.read(in, file);
        long czxid = in.readLong();
        long ctime = in.readLong();
        long mzxid = in.readLong();
        long mtime = in.readLong();
        long pzxid = in.readLong();
        int version = in.readInt();
        int cversion = in.readInt();
        int aversion = in.readInt();
        int kindNumber = in.readInt();
        NodeKind kind = NodeKind.ofOrdinal(kindNumber);
        if (kind == null) {
            throw new StorageException("snapshot " + file + " has a node of unknown kind " + kindNumber);
        }
        long owner = in.readLong();
        long ttlMs = in.readLong();
        return Znode.ofLaidOut(bytes, acl, czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion, kind,
                owner, ttlMs);
    }

    /**
     * Reads a count of items each at least {@code minBytesEach} long; a count that what is left of the file
     * cannot hold is refused before anything is allocated for it, so a corrupt count ends in this
     * StorageException, never in an OutOfMemoryError.
     */
    private static int count(SnapshotInput in, int minBytesEach, Object file, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || (long) count * minBytesEach > in.remaining()) {
            throw new StorageException("snapshot " + file + " is truncated or corrupt: an impossible " + what + " count "
                    + count + " with " + in.remaining() + " bytes left before its trailer");
        }
        return count;
    }

    /** Reads a length-prefixed UTF-8 string (a path, a scheme, an id), checked as {@link #readLength} checks a length. */
    private static String readString(SnapshotInput in, Object file) throws IOException {
        return in.readUtf8(readLength(in, STRING_MAX, file, false));
    }

    /** Reads a length and refuses it, before anything is allocated for it, if it is negative, over {@code max}, or past the trailer. */
    private static int readLength(SnapshotInput in, int max, Object file, boolean nullable) throws IOException {
        int length = in.readInt();
        if (length == -1 && nullable) {
            return -1;
        }
        if (length < 0 || length > max || length > in.remaining()) {
            throw new StorageException("snapshot " + file + " is truncated or corrupt: an impossible length " + length
                    + " with " + in.remaining() + " bytes left before its trailer");
        }
        return length;
    }

    /** A sink that keeps every node, for {@link Loaded}. */
    private static final class Collected implements NodeSink {
        private List<Znode> nodes = new ArrayList<>();

        @Override
        public void expect(int nodeCount) {
            nodes = new ArrayList<>(nodeCount);
        }

        @Override
        public void node(Znode node) {
            nodes.add(node);
        }

        Loaded loaded(Header header) {
            return new Loaded(header.file(), header.zxid(), header.digest(), header.sessions(), nodes);
        }
    }

    /**
     * The ACLs of one snapshot as it is read. Each distinct ACL is decoded into one list that every node
     * with it shares, as the tree shares them once loaded: most nodes of a large tree have one of a few
     * ACLs, and a copy per node would be several objects per znode for the garbage collector to copy while
     * the file is read. Nodes written one after another mostly have the same ACL, so the bytes of the last
     * one decoded are compared first, and a match decodes nothing (a 1,000,000-znode load allocated about
     * 250 bytes per node for ACLs that it then threw away).
     */
    private static final class AclReader {
        private final Map<List<Acl>, List<Acl>> shared = new HashMap<>();
        // Invariant: lastEncoded is last as writeAcl writes it; both null before the first node.
        private List<Acl> last;
        private byte[] lastEncoded;

        List<Acl> read(SnapshotInput in, Object file) throws IOException {
            if (last != null && in.skipIfNext(lastEncoded)) {
                return last;
            }
            int count = count(in, 12, file, "ACL");
            List<Acl> acl = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int perms = in.readInt();
                String scheme = readString(in, file);
                String id = readString(in, file);
                acl.add(new Acl(perms, new Id(scheme, id)));
            }
            last = shared.computeIfAbsent(List.copyOf(acl), key -> key);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SnapshotOutput encoded = new SnapshotOutput(java.nio.channels.Channels.newChannel(bytes));
            writeAcl(encoded, last);
            encoded.flush();
            lastEncoded = bytes.toByteArray();
            return last;
        }
    }
}
