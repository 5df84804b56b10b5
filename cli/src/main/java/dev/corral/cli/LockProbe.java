package dev.corral.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a running server holds a data directory's lock ({@code <dataDir>/corral.lock}, which a
 * server holds with an exclusive FileChannel lock for as long as it runs).
 *
 * <p>The probe takes a shared lock on a read-only channel and releases it at once; it never creates the
 * file. It must run in a process other than the server's: POSIX drops all of a process's locks on a file
 * when any of its descriptors on that file is closed, so a probe inside the server's JVM would release
 * the server's lock.
 */
final class LockProbe {
    private LockProbe() {}

    enum State { FREE, HELD, NO_LOCK_FILE }

    static State probe(Path lockFile) throws ToolFailure {
        if (!Files.exists(lockFile)) {
            return State.NO_LOCK_FILE;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ)) {
            FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                return State.HELD;
            }
            if (lock == null) {
                return State.HELD;
            }
            lock.release();
            return State.FREE;
        } catch (NoSuchFileException e) {
            return State.NO_LOCK_FILE;
        } catch (IOException e) {
            throw new ToolFailure("cannot check the lock " + lockFile + ": " + e, e);
        }
    }
}
