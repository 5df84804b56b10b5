package dev.corral.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The few file-system steps every durable change in storage is built from: a file replaced whole
 * (ZooKeeper's {@code AtomicFileOutputStream}: write a temporary file, fsync it, rename it over the
 * target), a directory fsync after a rename, create or delete (without it the change of name may be lost
 * in a crash even though the file's bytes are on disk), and a delete that is durable before it returns.
 */
final class DurableFiles {
    /** The suffix of the temporary file a replacement is written to first, as ZooKeeper's TMP_EXTENSION. */
    static final String TMP_SUFFIX = ".tmp";

    private DurableFiles() {}

    /**
     * Replaces {@code file} with {@code content}: after a crash the file holds either its old content or
     * the new, never a part; a torn temporary file may be left beside it, and the next write replaces it.
     */
    static void replace(Path file, byte[] content) throws StorageException {
        Path temporary = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot write " + temporary + ": " + e, e);
        }
        rename(temporary, file);
    }

    /** Renames {@code from} to {@code to} atomically, replacing it, and fsyncs the directory of {@code to}. */
    static void rename(Path from, Path to) throws StorageException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageException("cannot rename " + from + " to " + to + ": " + e, e);
        }
        forceDirectory(to.toAbsolutePath().getParent());
    }

    /** Creates an empty file whose name is its content, durably; an existing one is kept. */
    static void createMarker(Path file) throws StorageException {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new StorageException("cannot create " + file + ": " + e, e);
        }
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /** Deletes {@code file} if it exists; the directory is not fsynced (see {@link #forceDirectory}). */
    static void delete(Path file) throws StorageException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file + ": " + e, e);
        }
    }

    /** Makes the names in {@code dir} (creates, renames, deletes) durable. */
    static void forceDirectory(Path dir) throws StorageException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot fsync directory " + dir + ": " + e, e);
        }
    }
}
