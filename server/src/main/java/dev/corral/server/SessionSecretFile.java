package dev.corral.server;

import dev.corral.node.SessionPasswords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The installation's session secret ({@link SessionPasswords}), in {@code <dataDir>/session-secret}:
 * <pre>
 * file    := comment line, "created=" wall-ms, "secret=" base64 of 32 random bytes (java.util.Properties)
 * created := when the secret was made; sessions whose id carries an earlier boot time also accept
 *            ZooKeeper's computable password (imported sessions, and those from before the secret)
 * </pre>
 * A standalone server makes it at its first start (SecureRandom, written to a temporary file readable by
 * its owner only, then moved into place) and reads it at every later one, so passwords survive restarts.
 * Every server of an ensemble must hold the same file, since each derives the passwords of sessions the
 * others made: an ensemble member does not make one, and without it uses ZooKeeper's passwords, with a
 * warning. A file that cannot be read back is an error naming it: making a new secret would lock every
 * client out of its session.
 */
public final class SessionSecretFile {
    static final String NAME = "session-secret";
    private static final int SECRET_BYTES = 32;

    /** The secret and when it was made. */
    record Secret(byte[] secret, long createdMs) {
        /** Passwords keyed by the secret; the sessions in {@code imported} keep ZooKeeper's ({@link ImportedSessionsFile}). */
        SessionPasswords passwords(java.util.Set<Long> imported) {
            return SessionPasswords.keyed(secret, createdMs, imported);
        }
    }

    private SessionSecretFile() {}

    /** The secret in {@code dataDir}; made now if missing and {@code create}, else empty if missing. */
    static Optional<Secret> load(Path dataDir, boolean create, long nowMs) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (Files.exists(file)) {
            return Optional.of(read(file));
        }
        if (!create) {
            return Optional.empty();
        }
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        Path temporary = dataDir.resolve(NAME + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, "# Corral's session password secret: keep it private; the same file on every server of an ensemble\n"
                + "created=" + nowMs + "\nsecret=" + Base64.getEncoder().encodeToString(secret) + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(temporary, file);
        }
        return Optional.of(new Secret(secret, nowMs));
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

    private static Secret read(Path file) throws IOException {
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
