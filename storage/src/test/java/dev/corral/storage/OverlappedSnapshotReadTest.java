package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corral.tree.DataTree;
import dev.corral.tree.SessionTable;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot read on a thread of its own ({@link OverlappedSnapshotRead}) hands the caller exactly what a
 * plain read does, in the same order; a damaged file fails it as it fails the plain read; a caller that
 * gives up mid-file stops the reader; and a tree whose load failed halfway is left as a new tree
 * ({@link DataTree.Loader#abandon}), which is what recovery relies on when it skips a snapshot.
 */
class OverlappedSnapshotReadTest {
    // Three full batches and part of a fourth, besides the built-in nodes.
    private static final int NODES = 3 * OverlappedSnapshotRead.BATCH_NODES + 5;

    @TempDir
    Path dir;

    private static AppliedState manyNodes() {
        AppliedState state = SnapshotFileTest.everyKind(new AppliedState(), false);
        state.create("/many", SnapshotFileTest.bytes("parent"));
        for (int i = 0; i < NODES; i++) {
            state.create("/many/n" + i, SnapshotFileTest.bytes("value " + i));
        }
        return state;
    }

    /** Every call a sink receives, in order. */
    private static final class Recording implements SnapshotFile.NodeSink {
        final List<Integer> expected = new ArrayList<>();
        final List<String> paths = new ArrayList<>();
        final List<Znode> nodes = new ArrayList<>();
        final List<String> threads = new ArrayList<>();

        @Override
        public void expect(int nodeCount) {
            assertThat(paths).as("expect before any node").isEmpty();
            expected.add(nodeCount);
        }

        @Override
        public void node(Znode node) {
            paths.add(node.path());
            nodes.add(node);
            if (threads.isEmpty() || !threads.get(threads.size() - 1).equals(Thread.currentThread().getName())) {
                threads.add(Thread.currentThread().getName());
            }
        }
    }

    @Test
    void theCallerReceivesWhatAPlainReadReadsInTheSameOrderOnItsOwnThread() throws IOException {
        AppliedState state = manyNodes();
        Path file = SnapshotFile.write(dir, state.tree.snapshot(state.sessions));
        SnapshotFile.Loaded plain = SnapshotFile.read(file);

        Recording recording = new Recording();
        SnapshotFile.Header header = OverlappedSnapshotRead.read(file, recording);

        assertThat(recording.expected).containsExactly(plain.nodes().size());
        assertThat(recording.paths).hasSizeGreaterThan(NODES).isEqualTo(plain.nodes().stream().map(Znode::path).toList());
        assertThat(recording.nodes).hasSameSizeAs(plain.nodes());
        for (int i = 0; i < plain.nodes().size(); i++) {
            assertThat(recording.nodes.get(i).hash()).as(recording.paths.get(i)).isEqualTo(plain.nodes().get(i).hash());
        }
        assertThat(recording.threads).containsExactly(Thread.currentThread().getName());
        assertThat(header).isEqualTo(new SnapshotFile.Header(file, plain.zxid(), plain.digest(), plain.sessions(), plain.nodes().size()));
    }

    @Test
    void aTreeBuiltFromTheOverlappedReadEqualsTheSnapshottedOne() throws IOException {
        AppliedState state = manyNodes();
        Path file = SnapshotFile.write(dir, state.tree.snapshot(state.sessions));

        DataTree tree = new DataTree();
        SessionTable sessions = new SessionTable();
        Loading loading = new Loading(tree);
        SnapshotFile.Header header = OverlappedSnapshotRead.read(file, loading);
        loading.loader.finish(header.zxid(), header.digest());
        sessions.load(header.sessions());

        assertThat(TreeImage.of(tree, sessions)).isEqualTo(state.image());
        assertThat(tree.recomputeDigest()).isEqualTo(tree.digest());
    }

    /** What recovery does: a loader made when the node count is known, fed every node. */
    private static final class Loading implements SnapshotFile.NodeSink {
        private final DataTree tree;
        DataTree.Loader loader;

        Loading(DataTree tree) {
            this.tree = tree;
        }

        @Override
        public void expect(int nodeCount) {
            loader = tree.loader(nodeCount);
        }

        @Override
        public void node(Znode node) {
            loader.add(node);
        }

        @Override
        public void nodes(Znode[] nodes, int count) {
            loader.addAll(nodes, count);
        }
    }

    @Test
    void aFileCutOrDamagedAnywhereFailsTheOverlappedReadAsItFailsThePlainOne() throws Exception {
        AppliedState state = manyNodes();
        Path file = SnapshotFile.write(dir, state.tree.snapshot(state.sessions));
        byte[] original = Files.readAllBytes(file);
        // Cuts in the header, in each batch and at the trailer; a flipped byte in the last batch that only
        // the CRC at the end finds, after every node has been handed over.
        List<byte[]> damaged = new ArrayList<>();
        for (int length : new int[] {0, 10, 40, original.length / 4, original.length / 2, original.length - 100, original.length - 1}) {
            damaged.add(Arrays.copyOf(original, length));
        }
        byte[] flipped = original.clone();
        flipped[original.length - 20] ^= 0x10;
        damaged.add(flipped);

        for (byte[] bytes : damaged) {
            Files.write(file, bytes);
            DataTree tree = new DataTree();
            Loading loading = new Loading(tree);
            Throwable thrown = catchThrowable(() -> OverlappedSnapshotRead.read(file, loading));

            assertThat(thrown).as("%d bytes", bytes.length).isInstanceOf(StorageException.class);
            assertThat(thrown.getMessage()).as("%d bytes", bytes.length).contains(file.toString());
            Optional.ofNullable(loading.loader).ifPresent(DataTree.Loader::abandon);
            assertThat(TreeImage.of(tree, new SessionTable())).as("tree after a failed load of %d bytes", bytes.length)
                    .isEqualTo(TreeImage.of(new DataTree(), new SessionTable()));
        }
        assertReadersEnd();
    }

    @Test
    void aCallerThatFailsMidFileStopsTheReader() throws Exception {
        AppliedState state = manyNodes();
        Path file = SnapshotFile.write(dir, state.tree.snapshot(state.sessions));
        IllegalStateException refusal = new IllegalStateException("refused by the sink");
        int[] seen = {0};
        SnapshotFile.NodeSink failing = node -> {
            if (++seen[0] == OverlappedSnapshotRead.BATCH_NODES + 1) {
                throw refusal;
            }
        };

        Throwable thrown = catchThrowable(() -> OverlappedSnapshotRead.read(file, failing));

        assertThat(thrown).isSameAs(refusal);
        assertThat(seen[0]).isEqualTo(OverlappedSnapshotRead.BATCH_NODES + 1);
        assertReadersEnd();
    }

    @Test
    void aLoadRefusedByItsDigestLeavesANewTree() throws IOException {
        AppliedState state = manyNodes();
        TreeSnapshot good = state.tree.snapshot(state.sessions);
        Path file = SnapshotFile.write(dir, new TreeSnapshot(good.zxid(), good.nodes(), good.sessions(), good.digest() + 1));
        DataTree tree = new DataTree();
        Loading loading = new Loading(tree);
        SnapshotFile.Header header = OverlappedSnapshotRead.read(file, loading);

        Throwable thrown = catchThrowable(() -> loading.loader.finish(header.zxid(), header.digest()));

        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("digest");
        assertThat(TreeImage.of(tree, new SessionTable())).isEqualTo(TreeImage.of(new DataTree(), new SessionTable()));
        assertThat(tree.lastProcessedZxid()).isZero();
    }

    /** Every reader thread ends once its read has ended, whichever way (bounded: 30 s each). */
    private static void assertReadersEnd() throws InterruptedException {
        for (Thread reader : readerThreads()) {
            reader.join(30_000);
            assertThat(reader.isAlive()).as("reader still running 30 s after its read ended").isFalse();
        }
    }

    private static List<Thread> readerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("corral-snapshot-read")).toList();
    }
}
