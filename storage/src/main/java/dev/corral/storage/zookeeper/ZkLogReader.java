package dev.corral.storage.zookeeper;

import dev.corral.storage.StorageException;
import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.wire.JuteInput;
import dev.corral.wire.TxnDigest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;

/**
 * Reads one ZooKeeper 3.5 to 3.9 transaction log file ({@code log.<zxid>}, ZooKeeper's {@code FileTxnLog}
 * and {@code Util#readTxnBytes}).
 *
 * <pre>
 *   log     = header record* zeros
 *   header  = magic:int("ZKLG") version:int(2) dbid:long(0)                 ; FileHeader
 *   record  = adler32:long length:int entry{length} 0x42                  ; checksum of the entry bytes
 *   entry   = txnHeader txn [digest]     ; see Corral's TxnCodec; digest = version:int treeDigest:long (3.6+)
 *   zeros   = 0x00*                      ; preallocated space: a record of checksum 0 and length 0 ends the log
 * </pre>
 *
 * A log that stops inside a record, or whose record lacks its 0x42 end marker, ends there: that is what
 * a crash during a write leaves, and ZooKeeper's reader stops there too ({@link End#tornAt}). A record
 * whose checksum does not match, or that does not decode, is corruption and an error naming the file
 * and the offset of the record.
 */
final class ZkLogReader {
    static final int MAGIC = 0x5A4B4C47; // "ZKLG"
    static final byte END_OF_RECORD = 0x42;

    /** One txn as logged: its entry, the ZooKeeper tree digest after it if logged (else null), and where it lies. */
    record Record(Path file, long offset, TxnEntry entry, TxnDigest digest) {}

    /** How the file ended: after {@code records} whole records, cleanly ({@code tornAt} -1) or inside a record at {@code tornAt}. */
    record End(int records, long tornAt) {}

    /** What takes the records of a log, in order. */
    interface Consumer {
        void accept(Record record) throws StorageException;
    }

    private ZkLogReader() {}

    /** Reads every record of {@code file}, handing those after {@code afterZxid} to {@code consumer}. */
    static End read(Path file, long afterZxid, Consumer consumer) throws StorageException {
        String source = "ZooKeeper log " + file;
        try (InputStream raw = Files.newInputStream(file)) {
            ZkStreamInput in = new ZkStreamInput(new BufferedInputStream(raw, 1 << 16), null, source);
            if (Files.size(file) == 0) {
                // FileTxnLog creates the file before it writes the header; ZooKeeper deletes such a file at start.
                return new End(0, 0);
            }
            int magic = in.readInt("magic");
            if (magic != MAGIC) {
                throw in.corrupt(0, String.format("magic 0x%08x is not ZKLG (0x%08x): not a ZooKeeper transaction log", magic, MAGIC));
            }
            in.readInt("version");
            in.readLong("dbid");
            int records = 0;
            while (true) {
                long offset = in.position();
                if (in.atEnd()) {
                    return new End(records, -1);
                }
                byte[] payload;
                long checksum;
                try {
                    checksum = in.readLong("record checksum");
                    int length = in.readInt("record length");
                    if (length == 0) {
                        return new End(records, -1);
                    }
                    if (length < 0 || length > ZkStreamInput.LENGTH_MAX) {
                        throw in.corrupt(offset, "a record of impossible length " + length);
                    }
                    payload = new byte[length];
                    in.readFully(payload, "record");
                    if (in.readByte("end-of-record marker") != END_OF_RECORD) {
                        // A write cut short leaves its record's tail as the preallocated zeros, and zeros after
                        // it. Anything else after a missing marker is a damaged record (its length, say) with
                        // more records behind it, which must not be dropped as if a crash had cut them off.
                        long nonZero = firstNonZero(in);
                        if (nonZero >= 0) {
                            throw in.corrupt(offset, "the record of length " + length + " lacks its end marker 0x42, and data follows"
                                    + " at offset " + nonZero + ": a damaged record, not the torn tail a crash leaves");
                        }
                        return new End(records, offset);
                    }
                } catch (ZkStreamInput.Truncated e) {
                    return new End(records, offset);
                }
                Adler32 adler = new Adler32();
                adler.update(payload);
                if (adler.getValue() != checksum) {
                    throw in.corrupt(offset, String.format("the record's Adler32 checksum is %x, its %d bytes sum to %x", checksum,
                            payload.length, adler.getValue()));
                }
                Record record = decode(file, offset, payload, in);
                records++;
                if (record.entry().zxid() > afterZxid) {
                    consumer.accept(record);
                }
            }
        } catch (StorageException e) {
            throw e;
        } catch (ZkStreamInput.Truncated e) {
            throw new StorageException(e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("cannot read ZooKeeper log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The offset of the first byte that is not zero from here to the end of the file, or -1. */
    private static long firstNonZero(ZkStreamInput in) throws IOException {
        while (!in.atEnd()) {
            long at = in.position();
            if (in.readByte("tail") != 0) {
                return at;
            }
        }
        return -1;
    }

    private static Record decode(Path file, long offset, byte[] payload, ZkStreamInput in) throws StorageException {
        try {
            JuteInput jute = new JuteInput(payload);
            TxnEntry entry = TxnCodec.read(jute);
            TxnDigest digest = null;
            if (jute.remaining() == TxnDigest.BYTES) {
                digest = TxnDigest.read(jute);
            }
            if (jute.remaining() != 0) {
                throw in.corrupt(offset, jute.remaining() + " bytes left after the txn of zxid 0x" + Long.toHexString(entry.zxid()));
            }
            return new Record(file, offset, entry, digest);
        } catch (RuntimeException e) {
            throw in.corrupt(offset, "the record does not decode as a txn: " + e.getMessage());
        }
    }
}
