package dev.corral.server;

import dev.corral.node.SessionPasswords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The installation's session secret ({@link SessionPasswords}), in {@code <dataDir>/session-secret}:
 * <pre>
 * file    := comment line, "created=" wall-ms, "secret=" base64 of 32 random bytes (java.util.Properties)
 * created := when the secret was made; sessions whose id carries an earlier boot time also accept
 *            ZooKeeper's computable password (imported sessions, and those from before the secret);
 *            -1 when no session predates it (made in a data directory that held no state)
 * </pre>
 * A server makes it at its first start (SecureRandom, written to a temporary file readable by its owner
 * only, synced, then moved into place) and reads it at every later one, so passwords survive restarts.
 *
 * <p>Every server of an ensemble must hold the same secret, since each derives the passwords of sessions
 * the others made. Each member makes one if it has none, and the leader hands its own to every learner
 * during synchronization ({@code dev.corral.zab.SharedSecret} in LEADERINFO); a learner holding another
 * replaces its file with the leader's ({@link #adopt}) before it acknowledges the epoch, so before it
 * serves. A blank member therefore makes a secret it soon replaces, and an ensemble whose members started
 * blank and separately ends up with the first leader's. A file that cannot be read back is an error naming
 * it: making a new secret would lock every client out of its session.
 */
public final class SessionSecretFile {
    static final String NAME = "session-secret";
    /** The {@code created} of a secret no session predates. */
    static final long NO_SESSION_BEFORE = -1;
    private static final int SECRET_BYTES = 32;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionSecretFile.class);

    /** The secret and when it was made ({@link #NO_SESSION_BEFORE}: no session predates it). */
    record Secret(byte[] secret, long createdMs) {
        /** Passwords keyed by the secret; the sessions in {@code imported} keep ZooKeeper's ({@link ImportedSessionsFile}). */
        SessionPasswords passwords(java.util.Set<Long> imported) {
            return SessionPasswords.keyed(secret, createdMs, imported);
        }

        /** The secret from its form shared by the ensemble ({@link SessionPasswords#sharedForm}). */
        static Secret ofSharedForm(byte[] sharedForm) {
            if (sharedForm.length < Long.BYTES + SessionPasswords.LENGTH) {
                throw new IllegalArgumentException("a shared session secret of " + sharedForm.length + " bytes, fewer than "
                        + (Long.BYTES + SessionPasswords.LENGTH));
            }
            java.nio.ByteBuffer form = java.nio.ByteBuffer.wrap(sharedForm);
            long created = form.getLong();
            byte[] secret = new byte[form.remaining()];
            form.get(secret);
            return new Secret(secret, created);
        }
    }

    private SessionSecretFile() {}

    /** The secret in {@code dataDir}; made now, dated {@code createdMs}, if missing. */
    static Secret load(Path dataDir, long createdMs) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        Secret made = new Secret(secret, createdMs);
        write(dataDir, made);
        return made;
    }

    /**
     * Replaces the secret in {@code dataDir} with the leader's ({@code sharedForm}), durably: on the disk
     * worker, before the learner's ACKEPOCH. Sessions the old secret keyed cannot resume here any more, which
     * is only possible for a member that never synchronized with this ensemble's leaders.
     */
    static void adopt(Path dataDir, byte[] sharedForm) throws IOException {
        Secret leaders = Secret.ofSharedForm(sharedForm);
        boolean hadOne = Files.exists(dataDir.resolve(NAME));
        write(dataDir, leaders);
        LOG.info("Session secret: took the leader's in {} ({}), so that sessions made on any member resume on this one",
                dataDir.resolve(NAME), hadOne ? "replacing the one made here" : "none was here");
    }

    /** Writes the file whole or not at all: a temporary file, owner-only, synced, then moved into place. */
    private static void write(Path dataDir, Secret secret) throws IOException {
        Path temporary = dataDir.resolve(NAME + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temporary);
        }
        byte[] text = ("# Corral's session password secret: keep it private; the ensemble's members share it (the leader's)\n"
                + "created=" + secret.createdMs() + "\nsecret=" + Base64.getEncoder().encodeToString(secret.secret()) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(text));
            channel.force(true);
        }
        Path file = dataDir.resolve(NAME);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (java.nio.channels.FileChannel directory = java.nio.channels.FileChannel.open(dataDir, java.nio.file.StandardOpenOption.READ)) {
            directory.force(true); // the rename itself
        } catch (IOException notSupported) {
            // Some file systems refuse to open a directory; the file's own contents are synced.
        }
    }

    /**
     * Copies the secret file of data directory {@code from}, if it has one, into {@code to} (owner-only, as
     * made), and says whether there was one: export-zookeeper and import-zookeeper carry it, so that a
     * Corral state moved out and back in keeps the passwords its sessions' clients hold.
     */
    public static boolean copy(Path from, Path to) throws IOException {
        Path source = from.resolve(NAME);
        if (!Files.exists(source)) {
            return false;
        }
        read(source); // refuse to carry a damaged secret
        // Replacing one is safe: the importer writes only into a data directory holding no Corral state, so no session
        // there depends on a secret already in it.
        Files.copy(source, to.resolve(NAME), StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    static Secret read(Path file) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            properties.load(in);
        }
        try {
            byte[] secret = Base64.getDecoder().decode(properties.getProperty("secret", ""));
            long created = Long.parseLong(properties.getProperty("created", "").trim());
            if (secret.length < SessionPasswords.LENGTH) {
                throw new IllegalArgumentException("the secret has " + secret.length + " bytes, fewer than " + SessionPasswords.LENGTH);
            }
            return new Secret(secret, created);
        } catch (IllegalArgumentException e) {
            throw new IOException("session secret file " + file + " is damaged (" + e.getMessage() + "); restore it from a backup or "
                    + "another server of the ensemble: a new secret would refuse every live session's password", e);
        }
    }
}
