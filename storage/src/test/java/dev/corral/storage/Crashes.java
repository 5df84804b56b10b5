package dev.corral.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Simulated crashes for the multi-file changes of storage: a {@link CrashPoint} that lets the first steps
 * run and stops the change before a chosen one, leaving the files as a crash would, and copies of
 * directories to run each crash on the same starting files.
 */
final class Crashes {
    private Crashes() {}

    /** Thrown at a crash point; the code under test never throws it. */
    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String step) {
            super("simulated crash before " + step);
        }
    }

    /**
     * Records each step in {@code steps} and crashes before the {@code at}-th (from 0). Before shortening a
     * file ("shorten to N") or after writing one ("written"), it first cuts the file at {@code cutAt}
     * of the way between N and its length (or of its length), as a crash in the middle of the write would.
     */
    static CrashPoint crashAt(int at, double cutAt, List<String> steps) {
        return (step, file) -> {
            steps.add(step + " " + file.getFileName());
            if (steps.size() - 1 < at) {
                return;
            }
            if (step.startsWith("shorten to ")) {
                cut(file, Long.parseLong(step.substring("shorten to ".length())), cutAt);
            } else if (step.equals("written") && cutAt < 1) {
                cut(file, 0, cutAt);
            }
            throw new Crash(step);
        };
    }

    private static void cut(Path file, long from, double fraction) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(from + (long) ((raf.length() - from) * fraction));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes {@code to} hold exactly the files of {@code from} (flat directories). */
    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        clear(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    static void clear(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }
}
