package dev.corral.storage;

import dev.corral.tree.NodeKind;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

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
    public record Loaded(Path file, long zxid, long digest, Map<Long, Integer> sessions, List<String> paths, List<Znode> nodes) {}

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
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
                writeBody(out, snapshot);
                out.flush();
                int value = (int) crc.getValue();
                DataOutputStream trailer = new DataOutputStream(new BufferedOutputStream(raw, 8));
                trailer.writeInt(value);
                trailer.flush();
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write snapshot " + file + ": " + e, e);
        }
        return file;
    }

    private static void writeBody(DataOutputStream out, TreeSnapshot snapshot) throws IOException {
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
        String[] paths = snapshot.paths();
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
                writeNode(out, paths[i], snapshot.nodes()[i]);
            }
        }
    }

    private static void writeNode(DataOutputStream out, String path, Znode node) throws IOException {
        writeBytes(out, path.getBytes(StandardCharsets.UTF_8));
        writeBytes(out, node.data());
        out.writeInt(node.acl().size());
        for (Acl acl : node.acl()) {
            out.writeInt(acl.perms());
            writeBytes(out, acl.id().scheme().getBytes(StandardCharsets.UTF_8));
            writeBytes(out, acl.id().id().getBytes(StandardCharsets.UTF_8));
        }
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

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Reads and checks a snapshot file; any defect is a StorageException naming the file and the cause. */
    public static Loaded read(Path file) throws StorageException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new StorageException("cannot read snapshot " + file + ": " + e, e);
        }
        if (size < 28) {
            throw new StorageException("snapshot " + file + " is " + size + " bytes, shorter than its header and trailer");
        }
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(file)) {
            BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
            BoundedInput bounded = new BoundedInput(buffered, size - 4);
            DataInputStream in = new DataInputStream(new CheckedInputStream(bounded, crc));
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new StorageException("snapshot " + file + " has a bad magic or version");
            }
            long zxid = in.readLong();
            long digest = in.readLong();
            int sessionCount = count(in, bounded, 12, file, "session");
            Map<Long, Integer> sessions = new HashMap<>();
            for (int i = 0; i < sessionCount; i++) {
                sessions.put(in.readLong(), in.readInt());
            }
            int nodeCount = count(in, bounded, 60, file, "node");
            List<String> paths = new ArrayList<>(nodeCount);
            List<Znode> nodes = new ArrayList<>(nodeCount);
            for (int i = 0; i < nodeCount; i++) {
                paths.add(new String(readBytes(in, STRING_MAX, file, false, bounded), StandardCharsets.UTF_8));
                nodes.add(readNode(in, file, bounded));
            }
            int expected = (int) crc.getValue();
            if (bounded.remaining() != 0) {
                throw new StorageException("snapshot " + file + " has " + bounded.remaining() + " unread bytes before its trailer");
            }
            int stored = new DataInputStream(buffered).readInt();
            if (stored != expected) {
                throw new StorageException("snapshot " + file + " fails its CRC check");
            }
            return new Loaded(file, zxid, digest, sessions, paths, nodes);
        } catch (EOFException e) {
            throw new StorageException("snapshot " + file + " is truncated", e);
        } catch (IOException e) {
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot read snapshot " + file + ": " + e, e);
        } catch (RuntimeException e) {
            throw new StorageException("snapshot " + file + " holds an invalid node: " + e.getMessage(), e);
        }
    }

    private static Znode readNode(DataInputStream in, Path file, BoundedInput bounded) throws IOException {
        byte[] data = readBytes(in, BUFFER_MAX, file, true, bounded);
        int aclCount = count(in, bounded, 12, file, "ACL");
        List<Acl> acl = new ArrayList<>(aclCount);
        for (int i = 0; i < aclCount; i++) {
            int perms = in.readInt();
            String scheme = new String(readBytes(in, STRING_MAX, file, false, bounded), StandardCharsets.UTF_8);
            String id = new String(readBytes(in, STRING_MAX, file, false, bounded), StandardCharsets.UTF_8);
            acl.add(new Acl(perms, new Id(scheme, id)));
        }
        long czxid = in.readLong();
        long ctime = in.readLong();
        long mzxid = in.readLong();
        long mtime = in.readLong();
        long pzxid = in.readLong();
        int version = in.readInt();
        int cversion = in.readInt();
        int aversion = in.readInt();
        int kind = in.readInt();
        if (kind < 0 || kind >= NodeKind.values().length) {
            throw new StorageException("snapshot " + file + " has a node of unknown kind " + kind);
        }
        long owner = in.readLong();
        long ttlMs = in.readLong();
        return new Znode(data, List.copyOf(acl), czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion,
                NodeKind.values()[kind], owner, ttlMs);
    }

    /**
     * Reads a count of items each at least {@code minBytesEach} long; a count that what is left of the file
     * cannot hold is refused before anything is allocated for it, so a corrupt count ends in this
     * StorageException, never in an OutOfMemoryError.
     */
    private static int count(DataInputStream in, BoundedInput bounded, int minBytesEach, Path file, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || (long) count * minBytesEach > bounded.remaining()) {
            throw new StorageException("snapshot " + file + " is truncated or corrupt: an impossible " + what + " count "
                    + count + " with " + bounded.remaining() + " bytes left before its trailer");
        }
        return count;
    }

    /** Reads a length-prefixed byte string; a length beyond what the file still holds is refused before any allocation. */
    private static byte[] readBytes(DataInputStream in, int max, Path file, boolean nullable, BoundedInput bounded) throws IOException {
        int length = in.readInt();
        if (length == -1 && nullable) {
            return null;
        }
        if (length < 0 || length > max || length > bounded.remaining()) {
            throw new StorageException("snapshot " + file + " is truncated or corrupt: an impossible length " + length
                    + " with " + bounded.remaining() + " bytes left before its trailer");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** Stops reading at the trailer, so the CRC covers exactly the bytes before it. */
    private static final class BoundedInput extends java.io.FilterInputStream {
        private long remaining;

        BoundedInput(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        long remaining() {
            return remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int value = super.read();
            if (value >= 0) {
                remaining--;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int read = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }
    }
}
