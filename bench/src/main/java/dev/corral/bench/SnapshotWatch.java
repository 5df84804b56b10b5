package dev.corral.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * When a server writes snapshots, seen from outside: a thread lists the server's data directory every
 * {@link #POLL_MS} ms and follows each snapshot file that appears after the watch started, from the first
 * listing that shows it to the last one at which it had grown (Corral writes {@code snapshot.<zxid>.snap.tmp}
 * and renames it to {@code .snap}, ZooKeeper writes {@code snapshot.<zxid>}; both count as one snapshot by
 * their zxid). The window misses the moments before the file is created and a final fsync that no longer
 * changes its size; it is the same rule for both servers.
 */
final class SnapshotWatch implements AutoCloseable {
    static final long POLL_MS = 2;

    /** A snapshot being written, in System.nanoTime() terms: from its first sighting to its last growth. */
    record Window(String name, long startNanos, long endNanos) {}

    private final Path directory;
    private final Thread thread;
    private final Map<String, long[]> seen = new HashMap<>();
    private final java.util.Set<String> before;
    private volatile boolean stopped;
    private volatile long polls;
    private volatile Throwable failure;

    private SnapshotWatch(Path directory) throws IOException {
        this.directory = directory;
        this.before = new java.util.HashSet<>(list().keySet());
        this.thread = new Thread(this::run, "snapshot-watch");
        thread.setDaemon(true);
    }

    /** Starts watching {@code directory}; snapshots already there are left out. */
    static SnapshotWatch start(Path directory) throws IOException {
        SnapshotWatch watch = new SnapshotWatch(directory);
        watch.thread.start();
        return watch;
    }

    private void run() {
        try {
            while (!stopped) {
                Map<String, Long> sizes = list();
                // Read after the listing: a file it shows existed by then, so a window never starts before its file.
                long now = System.nanoTime();
                synchronized (seen) {
                    for (Map.Entry<String, Long> file : sizes.entrySet()) {
                        if (before.contains(file.getKey())) {
                            continue;
                        }
                        long[] state = seen.get(file.getKey());
                        if (state == null) {
                            // first seen, last growth, last size
                            seen.put(file.getKey(), new long[] {now, now, file.getValue()});
                        } else if (file.getValue() != state[2]) {
                            state[1] = now;
                            state[2] = file.getValue();
                        }
                    }
                }
                polls++;
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    /** The size of each snapshot file under the directory, by snapshot (its zxid). */
    private Map<String, Long> list() throws IOException {
        Map<String, Long> sizes = new HashMap<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String name = path.getFileName().toString();
                if (!name.startsWith("snapshot.")) {
                    continue;
                }
                String[] parts = name.split("\\.");
                try {
                    sizes.merge(parts[0] + "." + parts[1], Files.size(path), Math::max);
                } catch (NoSuchFileException e) {
                    // renamed or removed between the listing and the size
                }
            }
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
        }
        return sizes;
    }

    /** How many listings the watch has made (only its thread writes it). */
    long polls() {
        return polls;
    }

    /** Stops the watch; the windows it saw, in order of their start. */
    List<Window> windows() throws IOException {
        close();
        if (failure != null) {
            throw new IOException("watching " + directory + " for snapshots failed: " + failure, failure);
        }
        List<Window> windows = new ArrayList<>();
        synchronized (seen) {
            seen.forEach((name, state) -> windows.add(new Window(name, state[0], state[1] + POLL_MS * 1_000_000)));
        }
        windows.sort(java.util.Comparator.comparingLong(Window::startNanos));
        return windows;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The given quantile (0.999 for p99.9) of the latencies of the writes that overlap a window, in ms;
     * NaN if none does. {@code issuedNanos[i]} and {@code latencyMicros[i]} describe write {@code i}.
     */
    static double quantileDuring(List<Window> windows, long[] issuedNanos, int[] latencyMicros, int count, double quantile) {
        int[] during = duringWindows(windows, issuedNanos, latencyMicros, count);
        if (during.length == 0) {
            return Double.NaN;
        }
        java.util.Arrays.sort(during);
        int index = (int) Math.min(during.length - 1, Math.ceil(quantile * during.length) - 1);
        return during[Math.max(0, index)] / 1000.0;
    }

    /** The latencies (µs) of the writes that overlap a window. */
    static int[] duringWindows(List<Window> windows, long[] issuedNanos, int[] latencyMicros, int count) {
        int[] during = new int[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            long issued = issuedNanos[i];
            long completed = issued + latencyMicros[i] * 1_000L;
            for (Window window : windows) {
                if (issued <= window.endNanos() && completed >= window.startNanos()) {
                    during[n++] = latencyMicros[i];
                    break;
                }
            }
        }
        return java.util.Arrays.copyOf(during, n);
    }
}
