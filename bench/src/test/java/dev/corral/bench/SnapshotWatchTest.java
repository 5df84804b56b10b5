package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16's p99.9 of writes during a snapshot: which writes count, and how the snapshots are seen. */
class SnapshotWatchTest {
    @TempDir
    Path dir;

    @Test
    void onlyWritesThatOverlapASnapshotCountTowardsItsQuantile() {
        List<SnapshotWatch.Window> windows = List.of(new SnapshotWatch.Window("snapshot.a", 1_000_000, 2_000_000),
                new SnapshotWatch.Window("snapshot.b", 10_000_000, 11_000_000));
        // issued at (ns), latency (µs): before the first window, ending inside it, inside, spanning the second,
        // after both, and one issued right at the end of the first.
        long[] issued = {0, 500_000, 1_200_000, 9_000_000, 12_000_000, 2_000_000};
        int[] latency = {100, 600, 50, 5_000, 9_000, 7};

        assertThat(SnapshotWatch.duringWindows(windows, issued, latency, issued.length)).containsExactly(600, 50, 5_000, 7);
        assertThat(SnapshotWatch.quantileDuring(windows, issued, latency, issued.length, 0.999)).isEqualTo(5.0);
        assertThat(SnapshotWatch.quantileDuring(windows, issued, latency, issued.length, 0.5)).isEqualTo(0.05);
        assertThat(SnapshotWatch.quantileDuring(List.of(), issued, latency, issued.length, 0.999)).isNaN();
    }

    @Test
    void aSnapshotFileLastsFromItsFirstSightingToItsLastGrowthAcrossARename() throws Exception {
        Path versionDir = Files.createDirectories(dir.resolve("version-2"));
        Files.write(versionDir.resolve("snapshot.0"), new byte[10]);
        SnapshotWatch watch = SnapshotWatch.start(dir);
        long before = System.nanoTime();
        Path temporary = versionDir.resolve("snapshot.00000000000000ff.snap.tmp");
        Files.write(temporary, new byte[10]);
        awaitPolls(watch);
        Files.write(temporary, new byte[20]);
        awaitPolls(watch);
        long grown = System.nanoTime();
        Files.move(temporary, versionDir.resolve("snapshot.00000000000000ff.snap"));
        awaitPolls(watch);
        List<SnapshotWatch.Window> windows = watch.windows();

        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).name()).isEqualTo("snapshot.00000000000000ff");
        assertThat(windows.get(0).startNanos()).isGreaterThanOrEqualTo(before);
        // The growth was seen by a listing made before "grown", the renamed file of the same size changes nothing.
        assertThat(windows.get(0).endNanos()).isLessThanOrEqualTo(grown + TimeUnit.MILLISECONDS.toNanos(SnapshotWatch.POLL_MS))
                .isGreaterThan(windows.get(0).startNanos());
    }

    /** Waits until the watch has listed the directory twice more (a whole listing after this call), at most 10 s. */
    private static void awaitPolls(SnapshotWatch watch) throws InterruptedException {
        long target = watch.polls() + 2;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (watch.polls() < target && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(watch.polls()).as("listings within 10 s").isGreaterThanOrEqualTo(target);
    }
}
