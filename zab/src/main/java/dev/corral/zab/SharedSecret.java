package dev.corral.zab;

import java.security.MessageDigest;

/**
 * A secret every member of an ensemble must hold alike, which the leader hands each learner during
 * discovery (in LEADERINFO) and a learner makes durable before it acknowledges the epoch, so before it
 * serves: today the session-password secret, whose bytes the host encodes and the core never reads.
 *
 * <p>Why it rides in the core: every member derives a session's password from the secret, so a client
 * whose session was made on one member can resume it on another only if both hold the same one. A leader
 * elected holds the secret of the leader it last synchronized with (it adopted it then), and so, by
 * induction, every leader that committed a txn after the first holds the first one's: members that never
 * synchronized (a blank new member) are the only ones that differ, and they adopt it before they serve.
 *
 * <p>Invariants: the bytes are copied in and out, compared by content and in constant time, and never
 * printed (toString shows the length only). {@link #NONE} (no bytes) means "no secret": a leader without
 * one sends none, and a learner keeps its own.
 */
public record SharedSecret(byte[] value) {
    public static final SharedSecret NONE = new SharedSecret(new byte[0]);

    public SharedSecret {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SharedSecret that && MessageDigest.isEqual(value, that.value);
    }

    @Override
    public int hashCode() {
        return value.length;
    }

    @Override
    public String toString() {
        return "SharedSecret[" + value.length + " bytes, redacted]";
    }
}
