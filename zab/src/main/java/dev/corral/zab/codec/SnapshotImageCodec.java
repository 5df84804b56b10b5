package dev.corral.zab.codec;

/**
 * Turns the state machine's snapshot image into bytes and back, for a SNAP on the learner stream. It is
 * pluggable because {@link dev.corral.zab.Snapshot#image()} is opaque to the consensus core: the state
 * machine above it (the tree and sessions, encoded by the storage layer) decides the format, and zab
 * cannot depend on that layer.
 *
 * <p>Contract: {@code decode(encode(image))} is an image equal to {@code image}; {@code decode} refuses
 * bytes it did not write with {@link dev.corral.wire.MalformedRecordException} (or another
 * RuntimeException that names what was wrong).
 */
public interface SnapshotImageCodec {
    byte[] encode(Object image);

    Object decode(byte[] bytes);
}
