package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SnapshotOutput} writes exactly the bytes a DataOutputStream writes for the same values, then the
 * CRC32C of all of them as a big-endian int, whatever the buffer's size: values and byte strings that
 * straddle a flush, byte strings longer than the buffer (written past it), and empty ones.
 */
class SnapshotOutputTest {
    @ParameterizedTest(name = "buffer {0} bytes, seed {1}")
    @CsvSource({"8, 1", "13, 2", "64, 3", "1024, 4", "65536, 5"})
    void writesWhatADataOutputStreamWritesThenTheCrcOfIt(int bufferBytes, long seed) throws IOException {
        Random random = new Random(seed);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream reference = new DataOutputStream(expected);
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        SnapshotOutput out = new SnapshotOutput(Channels.newChannel(actual), bufferBytes);

        for (int i = 0; i < 2_000; i++) {
            switch (random.nextInt(3)) {
                case 0 -> {
                    int value = random.nextInt();
                    reference.writeInt(value);
                    out.writeInt(value);
                }
                case 1 -> {
                    long value = random.nextLong();
                    reference.writeLong(value);
                    out.writeLong(value);
                }
                default -> {
                    byte[] bytes = new byte[random.nextInt(4) == 0 ? random.nextInt(3 * bufferBytes + 1) : random.nextInt(20)];
                    random.nextBytes(bytes);
                    reference.write(bytes);
                    out.write(bytes);
                }
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(expected.toByteArray());
        reference.writeInt((int) crc.getValue());
        out.writeTrailer();

        assertThat(actual.toByteArray()).hasSizeGreaterThan(8_000).isEqualTo(expected.toByteArray());
    }

    /** Written to a file, the output forces it every SYNC_BYTES, so the closing fsync has little left to write. */
    @org.junit.jupiter.api.Test
    void aFileIsForcedEveryFewMegabytesAsItIsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        byte[] chunk = new byte[100_000];
        new Random(6).nextBytes(chunk);
        long total = 5 * SnapshotOutput.SYNC_BYTES + 12_345;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir.resolve("snapshot"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            SnapshotOutput out = new SnapshotOutput(channel);
            for (long written = 0; written < total; written += chunk.length) {
                out.write(chunk);
            }
            out.writeTrailer();
            assertThat(out.syncs()).isEqualTo(5);
        }
        SnapshotOutput inMemory = new SnapshotOutput(Channels.newChannel(new ByteArrayOutputStream()));
        for (long written = 0; written < total; written += chunk.length) {
            inMemory.write(chunk);
        }
        assertThat(inMemory.syncs()).isZero();
    }
}
