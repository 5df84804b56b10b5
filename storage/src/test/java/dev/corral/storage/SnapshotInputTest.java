package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corral.tree.NodeKind;
import dev.corral.wire.Acl;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading a snapshot in chunks: whatever the size of the reader's buffer, and wherever a value falls
 * across a refill, every value reads back as written, "bytes left before the trailer" is exact after each
 * one, the CRC covers exactly the bytes before the trailer, and a damaged file is still rejected with a
 * StorageException naming it. The buffer sizes tried run from one long (8 bytes, so almost every value
 * straddles a refill) to the real 1 MiB, against snapshots several times that size.
 */
class SnapshotInputTest {
    @TempDir
    Path dir;

    /** One value of the body, as the format has them; {@code bytes} for a byte string, else {@code number}. */
    record Value(char type, long number, byte[] bytes) {}

    /**
     * Ints, longs and byte strings of every length up to past a few buffers (0 to 3,000 bytes, then one of
     * 70,000), written with DataOutputStream, the writer's own encoding; each reads back identical with
     * {@link SnapshotInput#remaining()} exact after it, and the CRC is that of the whole body.
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 9, 13, 64, 1000, 4096, SnapshotInput.CHUNK_BYTES})
    void everyValueReadsBackWithExactBytesLeftWhateverTheBufferSize(int chunkBytes) throws IOException {
        Random random = new Random(chunkBytes);
        List<Value> values = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            values.add(switch (i % 3) {
                case 0 -> new Value('i', random.nextInt(), null);
                case 1 -> new Value('l', random.nextLong(), null);
                default -> new Value('b', 0, randomBytes(random, i % 3_000, i % 2 == 1));
            });
        }
        values.add(new Value('b', 0, randomBytes(random, 70_000, values.size() % 2 == 1)));
        values.add(new Value('i', -1, null));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        for (Value value : values) {
            switch (value.type()) {
                case 'i' -> out.writeInt((int) value.number());
                case 'l' -> out.writeLong(value.number());
                default -> out.write(value.bytes());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(body.toByteArray());
        out.writeInt((int) crc.getValue());
        Path file = Files.write(dir.resolve("body"), body.toByteArray());
        long bodyLength = body.size() - 4;

        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SnapshotInput in = new SnapshotInput(channel, bodyLength, chunkBytes);
            long consumed = 0;
            for (int i = 0; i < values.size(); i++) {
                Value value = values.get(i);
                switch (value.type()) {
                    case 'i' -> assertThat(in.readInt()).as("int %d", i).isEqualTo((int) value.number());
                    case 'l' -> assertThat(in.readLong()).as("long %d", i).isEqualTo(value.number());
                    default -> {
                        // Byte strings alternate between the two ways they are read: into an array, and as UTF-8.
                        if (i % 2 == 0) {
                            byte[] bytes = new byte[value.bytes().length];
                            in.readFully(bytes);
                            assertThat(bytes).as("bytes %d", i).isEqualTo(value.bytes());
                        } else {
                            assertThat(in.readUtf8(value.bytes().length)).as("string %d", i)
                                    .isEqualTo(new String(value.bytes(), StandardCharsets.UTF_8));
                        }
                    }
                }
                consumed += value.type() == 'i' ? 4 : value.type() == 'l' ? 8 : value.bytes().length;
                assertThat(in.remaining()).as("bytes left after value %d", i).isEqualTo(bodyLength - consumed);
            }
            assertThat(in.crc()).isEqualTo((int) crc.getValue());
            assertThat(in.readTrailer()).isEqualTo((int) crc.getValue());
        }
    }

    /** {@code length} random bytes, or with {@code utf8} valid UTF-8 (with two-byte characters) of about that length. */
    private static byte[] randomBytes(Random random, int length, boolean utf8) {
        if (!utf8) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }
        StringBuilder text = new StringBuilder();
        int bytes = 0;
        while (bytes + 2 <= length) {
            boolean ascii = random.nextBoolean();
            text.append(ascii ? 'a' : '\u00e9');
            bytes += ascii ? 1 : 2;
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A value that runs past the trailer is an EOFException (which read reports as truncated), not a read of the trailer. */
    @ParameterizedTest
    @ValueSource(ints = {8, 13, SnapshotInput.CHUNK_BYTES})
    void aValuePastTheEndOfTheBodyIsAnEndOfFile(int chunkBytes) throws IOException {
        Path file = Files.write(dir.resolve("body"), new byte[] {0, 0, 0, 7, 0, 0, 1, 2, 3, 4, 5});
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SnapshotInput in = new SnapshotInput(channel, 7, chunkBytes);
            assertThat(in.readInt()).isEqualTo(7);
            assertThatThrownBy(in::readInt).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> in.readFully(new byte[4])).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> in.readUtf8(4)).isInstanceOf(EOFException.class);
            assertThat(in.remaining()).as("a refused value consumes nothing").isEqualTo(3);
        }
    }

    /**
     * A snapshot several times the size of the real buffer, with a 1 MiB data node and 20,000 nodes of
     * data lengths from 0 to 300 bytes, so that nodes fall across every refill: it reads back into exactly
     * the state it was taken of, with the default buffer and with buffers that put almost every value
     * across a refill.
     */
    @Test
    void aSnapshotLargerThanTheReadBufferReadsBackIdentical() throws IOException {
        AppliedState state = SnapshotFileTest.everyKind(new AppliedState(), true);
        state.create("/many", null);
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[i % 301];
            Arrays.fill(data, (byte) i);
            if (i % 1_000 == 7) {
                state.create("/many/n" + i, data, SnapshotFileTest.DIGEST_ACL, NodeKind.PERSISTENT, 0, 0);
            } else {
                state.create("/many/n" + i, data);
            }
        }
        TreeImage before = state.image();
        Path file = SnapshotFile.write(dir, state.tree.snapshot(state.sessions));
        assertThat(Files.size(file)).as("snapshot size").isGreaterThan(4L * SnapshotInput.CHUNK_BYTES);

        for (int chunkBytes : new int[] {SnapshotInput.CHUNK_BYTES, 4096, 13, 8}) {
            SnapshotFile.Loaded loaded = SnapshotFile.read(file, chunkBytes);
            assertThat(loaded.zxid()).as("zxid, buffer of %d", chunkBytes).isEqualTo(state.zxid());
            assertThat(SnapshotFileTest.load(loaded)).as("tree, buffer of %d", chunkBytes).isEqualTo(before);
            Set<List<Acl>> shared = Collections.newSetFromMap(new IdentityHashMap<>());
            loaded.nodes().forEach(node -> shared.add(node.acl()));
            assertThat(shared).as("one ACL list per distinct ACL, shared between nodes")
                    .hasSameSizeAs(loaded.nodes().stream().map(node -> node.acl()).distinct().toList());
        }
    }

    /**
     * {@link SnapshotInput#skipIfNext}: a run of the bytes that come next is consumed, anything else (one
     * byte off, longer than what is left) consumes nothing, wherever the run falls across a refill.
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 9, 13, 64})
    void skipIfNextConsumesOnlyTheBytesThatComeNext(int chunkBytes) throws IOException {
        byte[] body = new byte[200];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }
        Path file = Files.write(dir.resolve("body"), body);
        for (int at = 0; at < body.length; at += 5) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                SnapshotInput in = new SnapshotInput(channel, body.length, chunkBytes);
                in.readFully(new byte[at]);
                int length = Math.min(chunkBytes, body.length - at);
                byte[] next = Arrays.copyOfRange(body, at, at + length);
                byte[] offByOne = next.clone();
                offByOne[length - 1] ^= 1;
                byte[] pastTheEnd = Arrays.copyOf(Arrays.copyOfRange(body, at, body.length), body.length - at + 1);
                assertThat(in.skipIfNext(offByOne)).as("one byte off at %d", at).isFalse();
                assertThat(in.skipIfNext(pastTheEnd)).as("past the end at %d", at).isFalse();
                assertThat(in.remaining()).as("nothing consumed at %d", at).isEqualTo(body.length - at);
                assertThat(in.skipIfNext(next)).as("the next %d bytes at %d", length, at).isTrue();
                assertThat(in.remaining()).as("consumed at %d", at).isEqualTo(body.length - at - length);
            }
        }
    }

    /** With buffers far smaller than the file, a cut anywhere and sampled bit flips are still rejected, naming the file. */
    @ParameterizedTest
    @ValueSource(ints = {8, 13, 64})
    void aDamagedFileIsRejectedWhateverTheBufferSize(int chunkBytes) throws IOException {
        Path file = SnapshotFile.write(dir, SnapshotFileTest.snapshotOf(SnapshotFileTest.few(new AppliedState())));
        byte[] original = Files.readAllBytes(file);
        assertThat(SnapshotFile.read(file, chunkBytes).nodes()).hasSize(SnapshotFile.read(file).nodes().size());

        List<String> accepted = new ArrayList<>();
        for (int length = 0; length < original.length; length++) {
            Files.write(file, Arrays.copyOf(original, length));
            checkRejected(file, chunkBytes, "cut to " + length, accepted);
        }
        Random random = new Random(chunkBytes);
        for (int i = 0; i < 400; i++) {
            byte[] damaged = original.clone();
            int offset = random.nextInt(damaged.length);
            damaged[offset] ^= (byte) (1 << random.nextInt(8));
            Files.write(file, damaged);
            checkRejected(file, chunkBytes, "flip at " + offset, accepted);
        }
        assertThat(accepted).as("damage not rejected with a StorageException naming the file").isEmpty();
    }

    private static void checkRejected(Path file, int chunkBytes, String what, List<String> accepted) {
        Throwable thrown = catchThrowable(() -> SnapshotFile.read(file, chunkBytes));
        if (!(thrown instanceof StorageException) || !thrown.getMessage().contains(file.toString())) {
            accepted.add(what + ": " + (thrown == null ? "read back" : thrown.toString()));
        }
    }
}
