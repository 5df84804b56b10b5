package dev.corral.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An interactive command-line program (such as the C client's cli_mt) driven through stdin as a user
 * types into it: send a line, then wait for the line of output that answers it. Output (stdout and
 * stderr together) is read on a thread of its own; every wait is bounded.
 *
 * <p>Invariant: {@link #expect} consumes output in order, so an answer is only ever matched after the
 * command that caused it was sent; everything read is kept in the transcript for failure messages.
 */
final class ShellSession implements AutoCloseable {

    private static final int TRANSCRIPT_LINES_MAX = 5_000;

    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>(); // guarded by this
    private final List<String> transcript = new ArrayList<>(); // guarded by this
    private int consumed; // guarded by this; Invariant: consumed <= lines.size()
    private boolean ended; // guarded by this

    private ShellSession(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "shell-session-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static ShellSession start(List<String> command) throws IOException {
        return new ShellSession(command);
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (this) {
                    lines.add(line);
                    if (transcript.size() < TRANSCRIPT_LINES_MAX) {
                        transcript.add("< " + line);
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                transcript.add("(output unreadable: " + e + ")");
            }
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Types {@code line} and Enter. */
    void send(String line) throws IOException {
        synchronized (this) {
            transcript.add("> " + line);
        }
        stdin.write(line + "\n");
        stdin.flush();
    }

    /**
     * Waits at most {@code bound} for a line of output, after those already consumed, that contains a
     * match of {@code regex}; consumes output up to it and returns it. Throws with the transcript if none.
     */
    synchronized String expect(String regex, Duration bound) throws InterruptedException {
        return expect(regex, bound, new ArrayList<>());
    }

    /**
     * As {@link #expect}, and returns the lines consumed before the matching one: the output of the
     * commands typed since the last wait, when {@code regex} matches the answer of a marker command typed
     * after them.
     */
    synchronized List<String> linesBefore(String regex, Duration bound) throws InterruptedException {
        List<String> before = new ArrayList<>();
        expect(regex, bound, before);
        return before;
    }

    private String expect(String regex, Duration bound, List<String> skipped) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            while (consumed < lines.size()) {
                String line = lines.get(consumed++);
                if (pattern.matcher(line).find()) {
                    return line;
                }
                skipped.add(line);
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new AssertionError("no output line matching /" + regex + "/ within " + bound
                        + (ended ? " (the program ended)" : "") + "\n--- transcript ---\n" + transcriptText());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits at most {@code bound} for the program to end by itself; its exit status, or -1 if it still runs. */
    int awaitExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    synchronized String transcriptText() {
        return String.join("\n", transcript);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
