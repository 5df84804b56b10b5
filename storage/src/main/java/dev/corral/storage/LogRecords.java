package dev.corral.storage;

import dev.corral.tree.TxnCodec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte format of a log segment file.
 *
 * <pre>
 *   segment  = header record* padding
 *   header   = magic:int("CRLW") version:int(2) firstZxid:long         ; 16 bytes
 *   record   = length:int crc:int payload{length}                     ; length in [1, MAX_PAYLOAD]
 *   crc      = CRC32C of payload
 *   payload  = a txn entry as {@code dev.corral.tree.TxnCodec} writes it: ZooKeeper's TxnHeader and
 *              txn record, with the zxid at byte {@code TxnCodec.ZXID_OFFSET}
 *   padding  = zero bytes to the end of the preallocated file          ; length 0 marks the end
 * </pre>
 *
 * All integers are big-endian. A record whose length is out of range, that runs past the end of the
 * file, or whose CRC does not match ends the valid part of the segment.
 */
public final class LogRecords {
    static final int MAGIC = 0x43524C57;
    /**
     * Version 2: payloads in ZooKeeper's txn encoding. Version 1 held Corral's own encoding, which this
     * code no longer reads: a log of that version is refused by name, never truncated as a torn file.
     */
    static final int VERSION = 2;
    static final int HEADER_BYTES = 16;
    static final int RECORD_OVERHEAD = 8;
    static final int MAX_PAYLOAD = 64 * 1024 * 1024;

    private LogRecords() {}

    static int crc(byte[] payload, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(payload, offset, length);
        return (int) crc.getValue();
    }

    static int crc(ByteBuffer buffer, int offset, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer slice = buffer.duplicate();
        slice.limit(offset + length).position(offset);
        crc.update(slice);
        return (int) crc.getValue();
    }

    static ByteBuffer header(long firstZxid) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.putInt(MAGIC).putInt(VERSION).putLong(firstZxid).flip();
        return header;
    }

    /**
     * The zxid of a record, read from its payload without decoding the txn, or -1 if the payload is too
     * short to hold one. It relies on where {@code TxnCodec} puts the zxid in an entry
     * ({@code TxnCodec.ZXID_OFFSET}, inside ZooKeeper's TxnHeader); {@code LogScannerTest} pins this
     * against {@code TxnCodec.encode}, so a change of the txn encoding fails there first and this is the
     * one place to follow it.
     */
    static long zxidOf(ByteBuffer buffer, int payloadOffset, int length) {
        return length >= TxnCodec.ZXID_OFFSET + Long.BYTES ? buffer.getLong(payloadOffset + TxnCodec.ZXID_OFFSET) : -1;
    }

    /** Writes one record (length, crc, payload) into {@code out}, which must have room for it. */
    static void put(ByteBuffer out, byte[] payload) {
        out.putInt(payload.length).putInt(crc(payload, 0, payload.length)).put(payload);
    }

    /**
     * The records of these payloads, in order, as a buffer ready to be written; {@code bytes} is what they
     * take, {@link #RECORD_OVERHEAD} plus the length of each (the log keeps the sum as it queues them).
     */
    static ByteBuffer records(List<byte[]> payloads, int bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        for (byte[] payload : payloads) {
            put(buffer, payload);
        }
        return buffer.flip();
    }

    /**
     * The records of these payloads as {@link TxnLog#sync} makes them to write them: the server's warm-up
     * encodes the txns of a scratch Node with it, so that the log's first real batch meets compiled code.
     */
    public static ByteBuffer records(List<byte[]> payloads) {
        long bytes = 0;
        for (byte[] payload : payloads) {
            bytes += payload.length + RECORD_OVERHEAD;
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(payloads.size() + " records of " + bytes + " bytes do not fit one buffer");
        }
        return records(payloads, (int) bytes);
    }
}
