package dev.corral.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a server JVM's heap from outside, the same way for Corral and ZooKeeper: one {@code jstat -gc}
 * process printing every {@code intervalMs}, whose used columns (survivors, eden, old) add up to the heap
 * in use; the highest sum is the heap high-water mark. {@link #peakRssKb} reads the kernel's peak resident
 * size (VmHWM). Approximate: a peak between two samples is missed.
 */
final class HeapSampler implements AutoCloseable {
    private static final List<String> USED_COLUMNS = List.of("S0U", "S1U", "EU", "OU");

    private final long pid;
    private final Process jstat;
    private final Thread reader;
    private final AtomicLong peakHeapKb = new AtomicLong();

    HeapSampler(long pid, int intervalMs) throws IOException {
        this.pid = pid;
        this.jstat = new ProcessBuilder("jstat", "-gc", Long.toString(pid), Integer.toString(intervalMs))
                .redirectErrorStream(true).start();
        this.reader = new Thread(this::read, "heap-sampler-" + pid);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.US_ASCII))) {
            List<String> header = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                List<String> fields = List.of(line.trim().split("\\s+"));
                if (fields.contains("EU")) {
                    header = fields;
                } else if (header != null && fields.size() == header.size()) {
                    double used = 0;
                    for (String column : USED_COLUMNS) {
                        used += Double.parseDouble(fields.get(header.indexOf(column)));
                    }
                    long usedKb = (long) used;
                    peakHeapKb.accumulateAndGet(usedKb, Math::max);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // The server (or jstat) went away; the peak so far stands.
        }
    }

    /** The highest heap in use seen so far, in KiB (0 if jstat could not attach). */
    long peakHeapKb() {
        return peakHeapKb.get();
    }

    /** The process's peak resident set size in KiB, or -1 once the process is gone. */
    long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        jstat.destroy();
        if (!jstat.waitFor(5, TimeUnit.SECONDS)) {
            jstat.destroyForcibly();
        }
        reader.join(5_000);
    }
}
