package dev.corral.node;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a session's password is made and checked: the one place that decides it.
 *
 * <p>ZooKeeper 3.9 (ZooKeeperServer#generatePasswd) makes a session's 16-byte password with
 * {@code new Random(sessionId ^ 0xB3415C00L)}, a constant public in its source, so anyone who learns a
 * session id (from cons, dump, a log line) can compute the password and take the session over. With a
 * secret of the installation ({@link #keyed}), Corral derives it instead as the first 16 bytes of
 * HMAC-SHA256(secret, "corral-session-password" || sessionId as 8 big-endian bytes), which cannot be
 * computed without the secret; every server that shares the secret derives the same password for a
 * session, so none has to be stored or replicated.
 *
 * <p>Sessions made before the secret existed have clients that hold ZooKeeper's password. Those imported from
 * ZooKeeper are named, by id, in a list the importer wrote ({@code zookeeperSessions}): ZooKeeper 3.9 puts
 * its monotonic clock, not the wall clock, in its session ids, so their ids say nothing of when they were
 * made. Those of a Corral that computed passwords ZooKeeper's way are recognised by their id: Corral puts
 * its boot time in wall-clock milliseconds in bits 16..55 of every session id, so a session whose id carries
 * a boot time before the secret was made ({@code zookeeperPasswordsBeforeMs}). Either keeps ZooKeeper's password: it is the one the server
 * checks and answers with, so such a session can also move back to ZooKeeper (export-zookeeper) and keep
 * working there. Its password was computable before the secret existed, so keeping it loses nothing; every
 * session made after the secret gets the derived one.
 *
 * <p>A negative {@code zookeeperPasswordsBeforeMs} means no session predates the secret: a secret made in a
 * data directory that held no state, as an ensemble member makes one at its first start (members boot at
 * different times, and the secret adopted from the leader must not date from the leader's boot).
 *
 * <p>Every member of an ensemble must derive the same passwords: the leader hands its secret to each learner
 * in the {@link #sharedForm} (the core carries it opaque, {@code dev.corral.zab.SharedSecret}):
 * <pre>
 * sharedForm := zookeeperPasswordsBeforeMs (8 bytes, big-endian; -1: none) secret (16 bytes or more)
 * </pre>
 *
 * <p>Without a secret ({@link #zookeeper}) passwords are ZooKeeper's, exactly: the Node's default.
 *
 * <p>Invariants: {@link #derive} depends only on the secret and the session id; {@link #accepts} compares
 * in constant time.
 */
public final class SessionPasswords {
    public static final int LENGTH = 16;
    private static final long ZOOKEEPER_SECRET = 0xB3415C00L;
    private static final byte[] LABEL = "corral-session-password".getBytes(StandardCharsets.US_ASCII);
    // The 40 bits of boot time a session id carries, and half their range, for comparisons across a wrap.
    private static final long BOOT_BITS_MASK = (1L << 40) - 1;
    private static final long HALF_RANGE = 1L << 39;

    // Null: ZooKeeper's computable passwords.
    private final byte[] secret;
    private final long zookeeperPasswordsBeforeMs;
    private final java.util.Set<Long> zookeeperSessions;
    // The HMAC keyed with the secret that has taken in the label, which derive clones: Mac.getInstance and
    // init for each session cost a provider lookup and a key schedule (4% of the node loop's samples in a
    // session churn, issue 16). Null without a secret. Never updated after the constructor.
    private final Mac labelled;

    private SessionPasswords(byte[] secret, long zookeeperPasswordsBeforeMs, java.util.Set<Long> zookeeperSessions) {
        this.secret = secret == null ? null : secret.clone();
        this.zookeeperPasswordsBeforeMs = zookeeperPasswordsBeforeMs;
        this.zookeeperSessions = java.util.Set.copyOf(zookeeperSessions);
        this.labelled = secret == null ? null : labelledMac(this.secret);
    }

    private static Mac labelledMac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(LABEL);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    /** ZooKeeper's computable passwords. */
    public static SessionPasswords zookeeper() {
        return new SessionPasswords(null, 0, java.util.Set.of());
    }

    /**
     * Passwords derived from {@code secret} (at least 16 bytes); sessions whose id carries a boot time before
     * {@code zookeeperPasswordsBeforeMs} (the wall time the secret was made; negative: none) keep ZooKeeper's.
     */
    public static SessionPasswords keyed(byte[] secret, long zookeeperPasswordsBeforeMs) {
        return keyed(secret, zookeeperPasswordsBeforeMs, java.util.Set.of());
    }

    /** As {@link #keyed(byte[], long)}, and the sessions in {@code zookeeperSessions} (imported) keep ZooKeeper's. */
    public static SessionPasswords keyed(byte[] secret, long zookeeperPasswordsBeforeMs, java.util.Set<Long> zookeeperSessions) {
        if (secret.length < LENGTH) {
            throw new IllegalArgumentException("a session secret needs at least " + LENGTH + " bytes, got " + secret.length);
        }
        return new SessionPasswords(secret, zookeeperPasswordsBeforeMs, zookeeperSessions);
    }

    /** The secret and its date as the ensemble shares them (see the class comment); only when {@link #isKeyed}. */
    public byte[] sharedForm() {
        if (secret == null) {
            throw new IllegalStateException("ZooKeeper's passwords have no secret to share");
        }
        return ByteBuffer.allocate(Long.BYTES + secret.length).putLong(zookeeperPasswordsBeforeMs).put(secret).array();
    }

    /** Passwords from a {@link #sharedForm}, with the sessions this server knows were imported from ZooKeeper. */
    public SessionPasswords withSharedForm(byte[] sharedForm) {
        if (sharedForm.length < Long.BYTES + LENGTH) {
            throw new IllegalArgumentException("a shared session secret of " + sharedForm.length + " bytes, fewer than " + (Long.BYTES + LENGTH));
        }
        ByteBuffer form = ByteBuffer.wrap(sharedForm);
        long before = form.getLong();
        byte[] sharedSecret = new byte[form.remaining()];
        form.get(sharedSecret);
        return keyed(sharedSecret, before, zookeeperSessions);
    }

    /** Whether passwords are derived from a secret (false: ZooKeeper's, computable). */
    public boolean isKeyed() {
        return secret != null;
    }

    /** The password this server gives the session's client, and the one it checks. */
    public byte[] derive(long sessionId) {
        if (secret == null || zookeeperSessions.contains(sessionId)
                || (zookeeperPasswordsBeforeMs >= 0 && madeBefore(sessionId, zookeeperPasswordsBeforeMs))) {
            return zookeeperPassword(sessionId);
        }
        Mac mac;
        try {
            // Cloning reads the prototype only; the lock keeps that so should a provider's clone not be.
            synchronized (labelled) {
                mac = (Mac) labelled.clone();
            }
        } catch (CloneNotSupportedException e) {
            mac = labelledMac(secret);
        }
        mac.update(ByteBuffer.allocate(Long.BYTES).putLong(sessionId).array());
        return Arrays.copyOf(mac.doFinal(), LENGTH);
    }

    /** Whether {@code presented} is the session's password ({@link #derive}). */
    public boolean accepts(long sessionId, byte[] presented) {
        return presented != null && MessageDigest.isEqual(derive(sessionId), presented);
    }

    /** ZooKeeper's password for a session (ZooKeeperServer#generatePasswd): what any ZooKeeper client of it holds. */
    public static byte[] zookeeperPassword(long sessionId) {
        byte[] password = new byte[LENGTH];
        new Random(sessionId ^ ZOOKEEPER_SECRET).nextBytes(password);
        return password;
    }

    /** Whether the boot time in the session id is before {@code wallMs}, compared modulo the 40 bits the id keeps. */
    static boolean madeBefore(long sessionId, long wallMs) {
        long bootBits = (sessionId >>> 16) & BOOT_BITS_MASK;
        long behind = ((wallMs & BOOT_BITS_MASK) - bootBits) & BOOT_BITS_MASK;
        return behind > 0 && behind < HALF_RANGE;
    }
}
