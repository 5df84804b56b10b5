package dev.corral.storage.zookeeper;

import dev.corral.storage.StorageException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Checksum;

/**
 * Jute's binary encoding ({@code BinaryInputArchive}) read from a stream of a ZooKeeper file, with the
 * position of every value, so that a defect is reported as "file, offset, what was expected". When a
 * checksum is given, every byte read is added to it: ZooKeeper's snapshot seals hold the Adler32 of all
 * bytes before them.
 *
 * <pre>
 *   int = 4 bytes big-endian   long = 8 bytes big-endian   boolean = 1 byte (0 or 1)
 *   buffer = length:int byte{length}  (length -1: null)     ustring = buffer, UTF-8
 * </pre>
 *
 * Lengths are bounded (ZooKeeper's {@code jute.maxbuffer} is 1 MiB by default; this reader takes up to
 * {@link #LENGTH_MAX}), so a corrupt length fails here instead of allocating gigabytes.
 */
final class ZkStreamInput {
    /** Larger than any jute.maxbuffer a production ZooKeeper runs with, small enough to never exhaust the heap. */
    static final int LENGTH_MAX = 64 << 20;

    private final java.io.PushbackInputStream in;
    private final Checksum checksum;
    private final String source;
    private long position;
    private final byte[] scratch = new byte[8];

    /** Reads {@code in}, adding every byte to {@code checksum} unless it is null; {@code source} names the file in errors. */
    ZkStreamInput(InputStream in, Checksum checksum, String source) {
        this.in = new java.io.PushbackInputStream(in, 1);
        this.checksum = checksum;
        this.source = source;
    }

    /** Bytes read so far: the offset of the next value. */
    long position() {
        return position;
    }

    /** The checksum of every byte read so far. */
    long checksum() {
        return checksum.getValue();
    }

    String source() {
        return source;
    }

    /** Whether the stream has no byte left; reads none (optional trailers of older versions end the file early). */
    boolean atEnd() throws IOException {
        int next;
        try {
            next = in.read();
        } catch (EOFException e) {
            return true;
        }
        if (next < 0) {
            return true;
        }
        in.unread(next);
        return false;
    }

    int readInt(String what) throws IOException {
        fill(scratch, 4, what);
        return ((scratch[0] & 0xff) << 24) | ((scratch[1] & 0xff) << 16) | ((scratch[2] & 0xff) << 8) | (scratch[3] & 0xff);
    }

    long readLong(String what) throws IOException {
        fill(scratch, 8, what);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (scratch[i] & 0xff);
        }
        return value;
    }

    byte readByte(String what) throws IOException {
        fill(scratch, 1, what);
        return scratch[0];
    }

    boolean readBool(String what) throws IOException {
        return readByte(what) != 0;
    }

    /** A jute buffer; null when its length is -1. */
    byte[] readBuffer(String what) throws IOException {
        long at = position;
        int length = readInt(what + " length");
        if (length == -1) {
            return null;
        }
        if (length < -1 || length > LENGTH_MAX) {
            throw corrupt(at, "an impossible length " + length + " for " + what);
        }
        byte[] bytes = new byte[length];
        fill(bytes, length, what);
        return bytes;
    }

    /** A jute ustring; null when its length is -1. */
    String readString(String what) throws IOException {
        byte[] bytes = readBuffer(what);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads exactly {@code into.length} bytes. */
    void readFully(byte[] into, String what) throws IOException {
        fill(into, into.length, what);
    }

    /** The file ends inside a value: for a log, the torn tail a crash leaves; for a snapshot, a cut file. */
    static final class Truncated extends IOException {
        private static final long serialVersionUID = 1L;

        Truncated(String message) {
            super(message);
        }
    }

    /** A failure at {@code offset} of this file, in the words every reader of ZooKeeper files uses. */
    StorageException corrupt(long offset, String message) {
        return new StorageException(source + " is corrupt at offset " + offset + ": " + message);
    }

    private void fill(byte[] into, int length, String what) throws IOException {
        int done = 0;
        while (done < length) {
            int n;
            try {
                n = in.read(into, done, length - done);
            } catch (EOFException e) {
                n = -1;
            } catch (IOException e) {
                // A gzip or snappy stream that fails to decode: the compressed bytes are damaged.
                throw new StorageException(source + " cannot be read at offset " + (position + done) + " while reading " + what + ": "
                        + e.getMessage(), e);
            }
            if (n < 0) {
                throw new Truncated(source + " is truncated at offset " + (position + done) + ": it ends inside " + what);
            }
            done += n;
        }
        if (checksum != null) {
            checksum.update(into, 0, length);
        }
        position += length;
    }
}
