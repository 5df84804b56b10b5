package dev.corral.storage.zookeeper;

import dev.corral.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes the empty ZooKeeper transaction log that follows an exported snapshot: {@code log.<zxid + 1>}
 * holding only the file header that ZooKeeper's {@code FileTxnLog} writes before its first record
 * ({@code magic:int("ZKLG") version:int(2) dbid:long(0)}). ZooKeeper's reader finds no record in it and
 * its first append after a restart starts a log file of its own.
 */
final class ZkLogWriter {
    static final int VERSION = 2;
    static final int HEADER_BYTES = 16;

    private ZkLogWriter() {}

    /** Writes the log that would hold the txns after {@code snapshotZxid}, fsynced; returns its path. */
    static Path writeEmpty(Path dir, long snapshotZxid) throws StorageException {
        Path file = dir.resolve(ZkFiles.LOG_PREFIX + "." + Long.toHexString(snapshotZxid + 1));
        Path temporary = dir.resolve(file.getFileName() + ".tmp");
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(ZkLogReader.MAGIC).putInt(VERSION).putLong(0L).flip();
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                while (header.hasRemaining()) {
                    channel.write(header);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageException("cannot write ZooKeeper log " + file + ": " + e, e);
        }
        return file;
    }
}
