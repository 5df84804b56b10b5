package dev.corral.storage;

import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two epochs a ZAB peer keeps on disk, in ZooKeeper's files: {@code acceptedEpoch}, the epoch of the
 * last NEWEPOCH (LEADERINFO) it accepted, and {@code currentEpoch}, the epoch of the last NEWLEADER it
 * acknowledged. ZooKeeper 3.9.5 keeps them in its snapshot directory ({@code <dataDir>/version-2},
 * {@code FileTxnSnapLog#getSnapDir}); Corral keeps them in its own snapshot directory
 * ({@code <dataDir>/corral-snap}).
 *
 * <pre>
 *   file   = epoch:decimal                    ; Long.toString(epoch), ASCII, no newline
 *   read   = the first line, as Long.parseLong ; anything else is a corrupt file
 * </pre>
 *
 * <p>A write replaces the file whole (ZooKeeper's {@code QuorumPeer#writeLongToFile} through
 * {@code AtomicFileWritingIdiom}: {@code <name>.tmp}, fsync, rename), and then, unlike ZooKeeper,
 * fsyncs the directory so the rename itself survives a crash. A crash leaves the old value or the new one
 * and at most a torn {@code .tmp} file, which reads ignore.
 *
 * <p>{@link #load} applies ZooKeeper's rules at start ({@code QuorumPeer#loadDataBase}): a missing file
 * is an upgrade from a version without it and starts at the epoch of the last zxid; a {@code currentEpoch}
 * older than that epoch is repaired from a whole {@code currentEpoch.tmp} (a crash between the rename
 * and the snapshot that needed it: ZOOKEEPER-1653) or refused; {@code acceptedEpoch < currentEpoch} is
 * refused; an unreadable file is refused. Invariant kept by the caller: acceptedEpoch >= currentEpoch.
 */
public final class EpochFiles {
    public static final String ACCEPTED_EPOCH = "acceptedEpoch";
    public static final String CURRENT_EPOCH = "currentEpoch";
    /** An epoch file is a decimal long: 20 characters at most; more is not an epoch file. */
    private static final int MAX_BYTES = 64;
    private static final Logger LOG = LoggerFactory.getLogger(EpochFiles.class);

    /** Both epochs, as loaded at start. */
    public record Epochs(long acceptedEpoch, long currentEpoch) {}

    private EpochFiles() {}

    /** Durably writes {@code acceptedEpoch}; the caller sends nothing that depends on it before this returns. */
    public static void writeAcceptedEpoch(Path dir, long epoch) throws StorageException {
        write(dir, ACCEPTED_EPOCH, epoch);
    }

    /** Durably writes {@code currentEpoch}; the caller sends nothing that depends on it before this returns. */
    public static void writeCurrentEpoch(Path dir, long epoch) throws StorageException {
        write(dir, CURRENT_EPOCH, epoch);
    }

    /** Writes one epoch file ({@link #ACCEPTED_EPOCH} or {@link #CURRENT_EPOCH}) as described above. */
    static void write(Path dir, String name, long epoch) throws StorageException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create directory " + dir + " for " + name + ": " + e, e);
        }
        DurableFiles.replace(dir.resolve(name), Long.toString(epoch).getBytes(StandardCharsets.US_ASCII));
    }

    /** The epoch in {@code dir/name}, or empty if there is no such file; a file that is not one epoch is an error. */
    public static OptionalLong read(Path dir, String name) throws StorageException {
        Path file = dir.resolve(name);
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new StorageException("epoch file " + file + " is " + Files.size(file) + " bytes, not one decimal number");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot read epoch file " + file + ": " + e, e);
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        String firstLine = text.lines().findFirst().orElse("");
        try {
            return OptionalLong.of(Long.parseLong(firstLine));
        } catch (NumberFormatException e) {
            throw new StorageException("epoch file " + file + " holds '" + firstLine + "', not an epoch (a decimal number)");
        }
    }

    /**
     * Loads both epochs at start, after the state is recovered up to {@code lastZxid}, repairing and
     * refusing as ZooKeeper does (see the class comment). Files it had to create or repair are durable
     * when it returns.
     */
    public static Epochs load(Path dir, long lastZxid) throws StorageException {
        long epochOfZxid = Zxid.epoch(lastZxid);
        long currentEpoch = readOrCreate(dir, CURRENT_EPOCH, epochOfZxid);
        if (epochOfZxid > currentEpoch) {
            // The epoch write that should have followed these txns was cut short: its temporary file, if
            // whole, holds the epoch (ZOOKEEPER-1653). A torn one is refused, as ZooKeeper refuses it.
            OptionalLong pending = read(dir, CURRENT_EPOCH + DurableFiles.TMP_SUFFIX);
            if (pending.isEmpty()) {
                throw new StorageException("the current epoch in " + dir.resolve(CURRENT_EPOCH) + ", " + currentEpoch
                        + ", is older than the epoch of the last zxid, " + Zxid.hex(lastZxid) + "; refusing to start");
            }
            if (pending.getAsLong() < epochOfZxid) {
                // Not in ZooKeeper: a value below the epoch of the txns it should cover is a torn write
                // that happens to parse (a digit of a longer number), not the epoch.
                throw new StorageException("the current epoch in " + dir.resolve(CURRENT_EPOCH) + ", " + currentEpoch
                        + ", is older than the epoch of the last zxid, " + Zxid.hex(lastZxid) + ", and "
                        + dir.resolve(CURRENT_EPOCH + DurableFiles.TMP_SUFFIX) + " holds " + pending.getAsLong()
                        + ", older still; refusing to start");
            }
            LOG.info("{}{} found in {}; setting the current epoch to {}", CURRENT_EPOCH, DurableFiles.TMP_SUFFIX, dir, pending.getAsLong());
            currentEpoch = pending.getAsLong();
            write(dir, CURRENT_EPOCH, currentEpoch);
        }
        long acceptedEpoch = readOrCreate(dir, ACCEPTED_EPOCH, epochOfZxid);
        if (acceptedEpoch < currentEpoch) {
            throw new StorageException("the accepted epoch in " + dir.resolve(ACCEPTED_EPOCH) + ", " + acceptedEpoch
                    + ", is less than the current epoch, " + currentEpoch + "; refusing to start");
        }
        return new Epochs(acceptedEpoch, currentEpoch);
    }

    /** The epoch in {@code dir/name}; a missing file is an upgrade and is created with {@code epochOfZxid}. */
    private static long readOrCreate(Path dir, String name, long epochOfZxid) throws StorageException {
        OptionalLong value = read(dir, name);
        if (value.isPresent()) {
            return value.getAsLong();
        }
        LOG.info("{} not found in {}; creating it with the epoch of the last zxid, {}. This should only happen on an upgrade",
                name, dir, epochOfZxid);
        write(dir, name, epochOfZxid);
        return epochOfZxid;
    }
}
