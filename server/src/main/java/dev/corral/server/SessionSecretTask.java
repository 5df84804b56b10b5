package dev.corral.server;

import dev.corral.node.SessionPasswords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Session passwords from the installation's secret ({@link SessionSecretFile}), made at a server's first
 * start, on a thread of their own while the client port binds: the HMAC the passwords are keyed with costs a
 * JCA provider lookup, 30 ms of a fresh JVM's start, which a restart's first session waited for (issue 16).
 * A standalone server's secret dates from its boot (sessions of an earlier Corral that computed ZooKeeper's
 * passwords keep them). An ensemble member's dates from no session when its data directory holds no state
 * ({@code blank}): members boot at different times and all end up with the leader's secret, which must key
 * the sessions of a member that booted before the leader.
 *
 * <p>The caller holds the data directory's lock until {@link #await} returns, so that the file is never
 * written after another server may have taken the directory.
 */
final class SessionSecretTask {
    /** The secret, which an ensemble member's consensus core shares (a leader) or replaces with its leader's (a learner), and the passwords keyed with it. */
    record Made(SessionSecretFile.Secret secret, SessionPasswords passwords) {}

    /** The longest {@link #await} waits: reading or writing one small file and keying an HMAC. */
    private static final long AWAIT_MS = 30_000;

    private final Path dataDir;
    private final FutureTask<Made> task;

    private SessionSecretTask(Path dataDir, boolean distributed, boolean blank, long bootWallMs) {
        this.dataDir = dataDir;
        this.task = new FutureTask<>(() -> {
            SessionSecretFile.Secret secret = SessionSecretFile.load(dataDir,
                    // Made now, it dates from this boot, so that this boot's sessions already get keyed passwords.
                    distributed && blank ? SessionSecretFile.NO_SESSION_BEFORE : bootWallMs);
            return new Made(secret, secret.passwords(ImportedSessionsFile.read(dataDir)));
        });
    }

    /** Starts making the secret of {@code dataDir}, whose lock the caller holds. */
    static SessionSecretTask start(Path dataDir, boolean distributed, boolean blank, long bootWallMs) {
        SessionSecretTask made = new SessionSecretTask(dataDir, distributed, blank, bootWallMs);
        Thread thread = new Thread(made.task, "corral-session-secret");
        thread.setDaemon(true);
        thread.start();
        return made;
    }

    /**
     * The secret and its passwords, or what stopped them: the IOException or RuntimeException of reading
     * or writing the file as it was thrown. Waits through an interrupt (the thread may be writing in the
     * directory the caller is about to let go) and interrupts the caller again afterwards.
     */
    Made await() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    throw new IOException("the session secret in " + dataDir + " was not read or written within " + AWAIT_MS + " ms");
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    } else if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    } else if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IOException("cannot make the session secret in " + dataDir + ": " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
