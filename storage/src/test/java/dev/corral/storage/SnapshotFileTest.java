package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corral.tree.DataTree;
import dev.corral.tree.NodeKind;
import dev.corral.tree.SessionTable;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Txn;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The snapshot file format: a snapshot reads back into exactly the state it was taken of, whatever kinds
 * of node it holds and however the tree changed after it was taken; and a damaged file (a bit flipped in
 * any field, cut anywhere, a corrupt count or length) is rejected by {@link SnapshotFile#read} with a
 * StorageException naming the file, never loaded and never allowed to fail another way.
 */
class SnapshotFileTest {
    static final long SESSION_A = 0x0100_0000_0000_0001L;
    static final long SESSION_B = 0x0100_0000_0000_0002L;
    static final long SESSION_GONE = 0x0100_0000_0000_0003L;
    static final List<Acl> DIGEST_ACL = List.of(new Acl(Acl.ALL, new Id("digest", "user:XtYx/4sGl5E8wXpr9+Tn2Z9Rr4A=")),
            new Acl(Acl.READ, Id.ANYONE));

    @TempDir
    Path dir;

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A state holding every kind of node and every shape of data: persistent, ephemeral (two owners),
     * container with a child, TTL, null, empty and 1 MiB data, digest ACLs, a non-ASCII name, a node
     * whose version, aversion, cversion and pzxid moved, an error txn, a multi, and a closed session whose
     * ephemeral is gone. {@code bigData} false leaves out the 1 MiB node, for tests that scan every byte.
     */
    static AppliedState everyKind(AppliedState state, boolean bigData) {
        state.createSession(SESSION_A, 4_000);
        state.createSession(SESSION_B, 30_000);
        state.createSession(SESSION_GONE, 6_000);
        state.create("/app", bytes("app"));
        state.create("/app/eph", bytes("owned by A"), Acl.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL, SESSION_A, 0);
        state.create("/app/eph-b", bytes("owned by B"), Acl.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL, SESSION_B, 0);
        state.create("/app/box", new byte[0], Acl.OPEN_ACL_UNSAFE, NodeKind.CONTAINER, 0, 0);
        state.create("/app/box/item", bytes("in a container"));
        state.create("/app/ttl", bytes("expires"), Acl.OPEN_ACL_UNSAFE, NodeKind.TTL, 0, 5_000);
        state.create("/app/null", null);
        state.create("/app/still-null", null);
        state.create("/app/empty", new byte[0]);
        state.create("/secure", bytes("secret"), DIGEST_ACL, NodeKind.PERSISTENT, 0, 0);
        state.create("/app/seq-0000000007", bytes("sequential name"));
        state.create("/\u00fcn\u00efc\u00f8d\u00e9", bytes("non-ASCII path"));
        if (bigData) {
            byte[] big = new byte[1 << 20];
            new Random(7).nextBytes(big);
            state.create("/big", big);
        }
        state.setData("/app", bytes("app v1"));
        state.setData("/app", bytes("app v2"));
        state.setAcl("/app/empty", DIGEST_ACL);
        state.create("/app/gone", bytes("deleted"));
        state.delete("/app/gone");
        state.apply(SESSION_A, new Txn.Error(-101));
        state.apply(SESSION_B, new Txn.Multi(List.of(state.createTxn("/secure/m", bytes("multi"), Acl.OPEN_ACL_UNSAFE,
                NodeKind.PERSISTENT, 0, 0), new Txn.SetData("/app/null", bytes("no longer null"), 1))));
        state.create("/app/eph-gone", bytes("owned by a closed session"), Acl.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL, SESSION_GONE, 0);
        state.closeSession(SESSION_GONE);
        return state;
    }

    static TreeImage load(SnapshotFile.Loaded loaded) {
        DataTree tree = new DataTree();
        SessionTable sessions = new SessionTable();
        tree.load(loaded.zxid(), loaded.nodes(), loaded.digest());
        sessions.load(loaded.sessions());
        assertThat(tree.recomputeDigest()).as("digest recomputed after load").isEqualTo(tree.digest());
        return TreeImage.of(tree, sessions);
    }

    @Test
    void aSnapshotOfEveryKindOfNodeReadsBackIntoTheSameTreeAndSessions() throws IOException {
        AppliedState state = everyKind(new AppliedState(), true);
        TreeImage before = state.image();

        Path file = SnapshotFile.write(dir, state.tree.snapshot(state.sessions));
        SnapshotFile.Loaded loaded = SnapshotFile.read(file);

        assertThat(file.getFileName().toString()).isEqualTo(SnapshotFile.fileName(state.zxid()));
        assertThat(loaded.zxid()).isEqualTo(state.zxid());
        assertThat(loaded.digest()).isEqualTo(state.tree.digest());
        TreeImage after = load(loaded);
        assertThat(after).isEqualTo(before);
        // The image covers what the test means to cover, so the equality above is not vacuous.
        assertThat(after.nodes().get("/app/null").data()).isEqualTo("6e6f206c6f6e676572206e756c6c");
        assertThat(after.nodes().get("/app/still-null").data()).isNull();
        assertThat(after.nodes().get("/app/empty").data()).isEmpty();
        assertThat(after.nodes().get("/app/eph").kind()).isEqualTo(NodeKind.EPHEMERAL);
        assertThat(after.nodes().get("/app/ttl").ttlMs()).isEqualTo(5_000);
        assertThat(after.nodes().get("/big").stat().dataLength()).isEqualTo(1 << 20);
        assertThat(after.nodes().get("/app").stat().version()).isEqualTo(2);
        assertThat(after.ephemerals()).containsOnlyKeys(SESSION_A, SESSION_B);
        assertThat(after.containers()).containsExactly("/app/box");
        assertThat(after.ttlNodes()).containsExactly("/app/ttl");
        assertThat(after.sessions()).containsOnlyKeys(SESSION_A, SESSION_B).containsEntry(SESSION_B, 30_000);
        assertThat(after.nodes()).doesNotContainKeys("/app/gone", "/app/eph-gone");
    }

    @Test
    void nullDataStaysNullAcrossASnapshot() throws IOException {
        AppliedState state = new AppliedState();
        state.create("/null", null);
        state.create("/empty", new byte[0]);
        TreeImage after = load(SnapshotFile.read(SnapshotFile.write(dir, state.tree.snapshot(state.sessions))));
        assertThat(after.nodes().get("/null").data()).isNull();
        assertThat(after.nodes().get("/empty").data()).isEmpty();
    }

    @Test
    void aSnapshotWrittenAfterTheTreeChangedHoldsExactlyTheStateAtItsZxid() throws IOException {
        AppliedState state = everyKind(new AppliedState(), true);
        TreeImage atSnapshot = state.image();
        TreeSnapshot snapshot = state.tree.snapshot(state.sessions);

        // Every kind of change, to nodes the snapshot holds and to the session table, before it is written.
        state.setData("/big", bytes("small now"));
        state.setData("/app/null", null);
        state.setAcl("/secure", Acl.OPEN_ACL_UNSAFE);
        state.delete("/app/box/item");
        state.create("/app/box/other", bytes("new child of a snapshotted node"));
        state.create("/app/later", bytes("created after the snapshot"));
        state.closeSession(SESSION_A);
        state.createSession(0x0100_0000_0000_0009L, 8_000);
        state.create("/app/eph-late", bytes("late"), Acl.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL, 0x0100_0000_0000_0009L, 0);
        assertThat(state.image()).isNotEqualTo(atSnapshot);

        SnapshotFile.Loaded loaded = SnapshotFile.read(SnapshotFile.write(dir, snapshot));
        assertThat(loaded.zxid()).isEqualTo(atSnapshot.zxid());
        assertThat(load(loaded)).isEqualTo(atSnapshot);
    }

    @Test
    void aSnapshotWhoseNodesDoNotHashToItsDigestPassesItsCrcButIsRefusedByLoad() throws IOException {
        AppliedState state = everyKind(new AppliedState(), false);
        TreeSnapshot good = state.tree.snapshot(state.sessions);
        TreeSnapshot lying = new TreeSnapshot(good.zxid(), good.nodes(), good.sessions(), good.digest() + 1);
        SnapshotFile.Loaded loaded = SnapshotFile.read(SnapshotFile.write(dir, lying));

        assertThatThrownBy(() -> new DataTree().load(loaded.zxid(), loaded.nodes(), loaded.digest()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("digest");
    }

    /**
     * A few nodes with every shape of field the format has: a session, null, empty and non-empty data,
     * a two-entry digest ACL, an ephemeral owner and a TTL, besides the four built-in nodes. Small, so
     * that every bit of its chosen regions, or every cut of it, is tried in a fraction of a second.
     */
    static AppliedState few(AppliedState state) {
        state.createSession(SESSION_A, 4_000);
        state.create("/app", bytes("app"));
        state.create("/app/eph", bytes("owned by A"), Acl.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL, SESSION_A, 0);
        state.create("/null", null);
        state.create("/ttl", bytes("expires"), Acl.OPEN_ACL_UNSAFE, NodeKind.TTL, 0, 5_000);
        state.create("/secure", new byte[0], DIGEST_ACL, NodeKind.PERSISTENT, 0, 0);
        return state;
    }

    /** One bit to flip: the byte's offset in the file and the bit in that byte. */
    record BitFlip(int offset, int bit) {}

    /**
     * Every bit of the first occurrence of each value field (magic, version, zxids, times, versions,
     * kind, owner, TTL, session fields, the bytes of a path, of data, of a scheme and an id, the trailer)
     * is flipped, one at a time: each result is rejected, by the CRC or before it.
     */
    @Test
    void everyBitOfEachValueFieldFlippedIsRejected() throws IOException {
        Path file = SnapshotFile.write(dir, snapshotOf(few(new AppliedState())));
        SnapshotLayout layout = SnapshotLayout.of(Files.readAllBytes(file));
        List<SnapshotLayout.Region> chosen = firstAndLast(layout, false, false);

        assertThat(chosen).extracting(SnapshotLayout.Region::field).contains("magic", "format version", "zxid", "digest", "sessionId",
                "timeoutMs", "path", "data", "perms", "scheme", "id", "czxid", "ctime", "mzxid", "mtime", "pzxid", "version", "cversion",
                "aversion", "kind", "ephemeralOwner", "ttlMs", "crc");
        assertFlipsRejected(file, layout, everyBitOf(chosen));
    }

    /**
     * A flip in a count or a length makes the reader take the bytes after it for other fields, or ask for
     * far more than the file holds; every bit of the first and the last occurrence of each count and
     * length is flipped, and each must still end in a StorageException: never an OutOfMemoryError, which
     * {@link Snapshots#loadNewestValid} would not skip for the snapshot before.
     */
    @Test
    void everyBitOfEachCountAndLengthFlippedIsRejected() throws IOException {
        Path file = SnapshotFile.write(dir, snapshotOf(few(new AppliedState())));
        SnapshotLayout layout = SnapshotLayout.of(Files.readAllBytes(file));
        List<SnapshotLayout.Region> chosen = firstAndLast(layout, true, true);

        assertThat(chosen).extracting(SnapshotLayout.Region::field).containsOnly("session count", "node count", "path length",
                "data length", "acl count", "scheme length", "id length");
        assertThat(chosen).hasSizeGreaterThanOrEqualTo(12);
        assertFlipsRejected(file, layout, everyBitOf(chosen));
    }

    /** Bit flips anywhere in a larger snapshot, sampled with a fixed seed: each is rejected. */
    @Test
    void bitFlipsSampledAcrossAWholeSnapshotAreRejected() throws IOException {
        Path file = SnapshotFile.write(dir, snapshotOf(everyKind(new AppliedState(), false)));
        SnapshotLayout layout = SnapshotLayout.of(Files.readAllBytes(file));
        Random random = new Random(20_261_122);
        List<BitFlip> flips = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            flips.add(new BitFlip(random.nextInt(layout.size()), random.nextInt(8)));
        }
        assertFlipsRejected(file, layout, flips);
    }

    static TreeSnapshot snapshotOf(AppliedState state) {
        return state.tree.snapshot(state.sessions);
    }

    /**
     * The regions of one kind (lengths or values), one per field name: its first occurrence, and with
     * {@code last} also its last (the first and the last node in the file, or the first and last ACL).
     */
    static List<SnapshotLayout.Region> firstAndLast(SnapshotLayout layout, boolean lengths, boolean last) {
        Map<String, SnapshotLayout.Region> first = new LinkedHashMap<>();
        Map<String, SnapshotLayout.Region> lastOf = new LinkedHashMap<>();
        for (SnapshotLayout.Region region : layout.regions()) {
            if (region.length() == lengths) {
                first.putIfAbsent(region.field(), region);
                lastOf.put(region.field(), region);
            }
        }
        Set<SnapshotLayout.Region> chosen = new LinkedHashSet<>(first.values());
        if (last) {
            chosen.addAll(lastOf.values());
        }
        return List.copyOf(chosen);
    }

    static List<BitFlip> everyBitOf(List<SnapshotLayout.Region> regions) {
        List<BitFlip> flips = new ArrayList<>();
        for (SnapshotLayout.Region region : regions) {
            for (int offset = region.start(); offset < region.end(); offset++) {
                for (int bit = 0; bit < 8; bit++) {
                    flips.add(new BitFlip(offset, bit));
                }
            }
        }
        return flips;
    }

    /** Applies each flip to a fresh copy of the file; every result must be rejected with a StorageException naming it. */
    private static void assertFlipsRejected(Path file, SnapshotLayout layout, List<BitFlip> flips) throws IOException {
        byte[] original = Files.readAllBytes(file);
        List<String> accepted = new ArrayList<>();
        for (BitFlip flip : flips) {
            byte[] damaged = original.clone();
            damaged[flip.offset()] ^= (byte) (1 << flip.bit());
            Files.write(file, damaged);
            Throwable thrown = catchThrowable(() -> SnapshotFile.read(file));
            if (!(thrown instanceof StorageException) || !thrown.getMessage().contains(file.toString())) {
                SnapshotLayout.Region region = layout.at(flip.offset());
                accepted.add(region.field() + " byte " + (flip.offset() - region.start()) + " bit " + flip.bit() + " (offset "
                        + flip.offset() + "): " + (thrown == null ? "read back" : thrown.toString()));
            }
        }
        assertThat(flips).as("flips tried").hasSizeGreaterThan(100);
        assertThat(accepted).as("flips not rejected with a StorageException naming the file").isEmpty();
    }

    /**
     * A count or length corrupted to a large value, which a reader trusting it would allocate for
     * first: the format's own bounds (16 MiB strings, 256 MiB data) let the lengths through, and counts
     * have none. Each must be found impossible from what is left of the file, before allocating: a
     * trusted one exhausts the heap of a small server (compat runs servers with -Xmx256m), and an
     * OutOfMemoryError is not a StorageException, so the snapshot is not skipped for the previous one
     * and the server fails to start.
     */
    record Corrupt(String field, int value) {
        @Override
        public String toString() {
            return field + " " + value;
        }
    }

    static Stream<Corrupt> corruptSizes() {
        return Stream.of(
                new Corrupt("session count", Integer.MAX_VALUE - 8),
                new Corrupt("node count", Integer.MAX_VALUE - 8),
                new Corrupt("acl count", Integer.MAX_VALUE - 8),
                new Corrupt("acl count", 1 << 24),
                new Corrupt("path length", 15 << 20),
                new Corrupt("data length", 250 << 20),
                new Corrupt("scheme length", 15 << 20),
                new Corrupt("id length", 15 << 20));
    }

    @ParameterizedTest
    @MethodSource("corruptSizes")
    void aCorruptCountOrLengthIsRejectedWithoutAllocatingIt(Corrupt corrupt) throws IOException {
        Path file = SnapshotFile.write(dir, snapshotOf(few(new AppliedState())));
        byte[] content = Files.readAllBytes(file);
        SnapshotLayout.Region region = SnapshotLayout.of(content).regions().stream().filter(r -> r.field().equals(corrupt.field()))
                .reduce((a, b) -> b).orElseThrow();
        ByteBuffer.wrap(content).putInt(region.start(), corrupt.value());
        Files.write(file, content);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Throwable thrown = catchThrowable(() -> SnapshotFile.read(file));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(thrown).isInstanceOf(StorageException.class).hasMessageContaining(file.toString()).hasMessageContaining("impossible");
        assertThat(allocated).as("bytes allocated reading a %d-byte file", content.length).isLessThan(16L << 20);
    }

    /**
     * A node's kind is a number from the format's table ({@link NodeKind#ofOrdinal}); one
     * outside it is named as such, whichever node holds it, and the node is never loaded as some other kind.
     */
    @ParameterizedTest
    @ValueSource(ints = {-1, 4, 99, Integer.MIN_VALUE})
    void aNodeOfAnUnknownKindIsRejectedNamingTheKind(int kind) throws IOException {
        assertThat(NodeKind.ofOrdinal(kind)).as("a kind outside the table").isNull();
        Path file = SnapshotFile.write(dir, snapshotOf(few(new AppliedState())));
        byte[] original = Files.readAllBytes(file);
        List<SnapshotLayout.Region> kinds = SnapshotLayout.of(original).regions().stream().filter(r -> r.field().equals("kind")).toList();
        assertThat(kinds).as("nodes in the snapshot").hasSizeGreaterThan(1);
        for (SnapshotLayout.Region region : List.of(kinds.get(0), kinds.get(kinds.size() - 1))) {
            byte[] content = original.clone();
            ByteBuffer.wrap(content).putInt(region.start(), kind);
            Files.write(file, content);
            assertThat(catchThrowable(() -> SnapshotFile.read(file))).as("kind %d at byte %d", kind, region.start())
                    .isInstanceOf(StorageException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining("unknown kind " + kind);
        }
    }

    @Test
    void aFileCutAnywhereIsRejected() throws IOException {
        Path file = SnapshotFile.write(dir, snapshotOf(few(new AppliedState())));
        byte[] original = Files.readAllBytes(file);
        for (int length = 0; length < original.length; length++) {
            Files.write(file, Arrays.copyOf(original, length));
            assertRejected(file, "cut to " + length + " of " + original.length + " bytes");
        }
    }

    /** Where a file is damaged, what is there instead; each must be rejected. */
    record Damage(String name, int offsetFromEnd, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Damage> damages() {
        return Stream.of(
                new Damage("trailer zeroed", 4, new byte[4]),
                new Damage("a zeroed block at the end, as a torn write leaves", 64, new byte[64]),
                new Damage("bytes appended after the trailer", 0, new byte[] {1, 2, 3, 4}),
                new Damage("a zero-filled file of the same length", Integer.MAX_VALUE, null));
    }

    @ParameterizedTest
    @MethodSource("damages")
    void aDamagedFileIsRejected(Damage damage) throws IOException {
        AppliedState state = everyKind(new AppliedState(), false);
        Path file = SnapshotFile.write(dir, state.tree.snapshot(state.sessions));
        byte[] original = Files.readAllBytes(file);
        byte[] damaged;
        if (damage.bytes() == null) {
            damaged = new byte[original.length];
        } else if (damage.offsetFromEnd() == 0) {
            damaged = Arrays.copyOf(original, original.length + damage.bytes().length);
            System.arraycopy(damage.bytes(), 0, damaged, original.length, damage.bytes().length);
        } else {
            damaged = original.clone();
            System.arraycopy(damage.bytes(), 0, damaged, original.length - damage.offsetFromEnd(), damage.bytes().length);
        }
        Files.write(file, damaged);
        assertRejected(file, damage.name());
    }

    @Test
    void aZeroLengthFileIsRejected() throws IOException {
        Path file = Files.write(dir.resolve(SnapshotFile.fileName(5)), new byte[0]);
        assertRejected(file, "zero-length file");
    }

    /** Names that are snapshot files, and names that look like one but are not (a leftover .tmp above all). */
    record Name(String fileName, long zxid) {}

    static Stream<Name> names() {
        return Stream.of(
                new Name(SnapshotFile.fileName(0x1_0000_002aL), 0x1_0000_002aL),
                new Name("snapshot.000000010000002a.snap", 0x1_0000_002aL),
                // A snapshot being written, or left behind by a crash while it was written.
                new Name("snapshot.000000010000002a.snap.tmp", -1),
                new Name("snapshot.10000002a.snap", -1),
                new Name("snapshot.00000001000000zz.snap", -1),
                new Name("log.000000010000002a.wal", -1),
                new Name("corral.lock", -1));
    }

    @ParameterizedTest
    @MethodSource("names")
    void onlyCompleteSnapshotFileNamesCarryAZxid(Name name) {
        assertThat(SnapshotFile.zxidOf(name.fileName())).isEqualTo(name.zxid());
    }

    static void assertRejected(Path file, String what) {
        Throwable thrown = catchThrowable(() -> SnapshotFile.read(file));
        assertThat(thrown).as(what).isInstanceOf(StorageException.class);
        assertThat(thrown.getMessage()).as(what).contains(file.toString());
    }
}
