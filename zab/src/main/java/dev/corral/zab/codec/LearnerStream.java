package dev.corral.zab.codec;

import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.QuorumPacket;
import dev.corral.wire.QuorumPacketType;
import dev.corral.zab.Message;
import dev.corral.zab.Snapshot;

/**
 * The byte stream of one learner connection, in either direction: frames one after another, each one
 * {@link LearnerPackets packet}, and for a SNAP the state image after it. Pure: the transport hands it
 * the bytes it read and writes the bytes it gets.
 *
 * <p>Grammar (jute encoding, {@link JuteOutput}; ZooKeeper 3.9.5: Learner#writePacket,
 * LearnerHandler#run):
 * <pre>
 *   stream    = frame*
 *   frame     = packet                        ; every type but SNAP
 *             | packet image signature        ; packet.type = SNAP (15)
 *   packet    = int type, long zxid, buffer data, vector&lt;Id&gt; authinfo   ; no length prefix
 *   Id        = ustring scheme, ustring id
 *   image     = buffer                        ; SnapshotImageCodec bytes
 *   signature = ustring "BenWasHere"
 * </pre>
 * ZooKeeper writes its DataTree serialization unframed where {@code image} is, since its reader knows
 * that format; ours is a length-prefixed buffer because the image format is pluggable and the stream
 * must split into frames without understanding it. So the packets and the signature are ZooKeeper's,
 * the image between them is not (reading a ZooKeeper leader's SNAP needs a reader of its snapshot
 * format, left for a Corral observer of a ZooKeeper ensemble).
 *
 * <p>Bounds: a packet's data is at most {@code dataBytesMax}, an authinfo vector at most
 * {@link #AUTHINFO_MAX} ids, an image at most {@code imageBytesMax}; a length beyond them fails at once
 * with {@link MalformedRecordException}, before anything waits for or allocates that many bytes.
 */
public final class LearnerStream {
    /** The signature ZooKeeper writes after a SNAP's snapshot and checks before using it. */
    public static final String SIGNATURE = "BenWasHere";
    /** At most this many ids in a packet's authinfo (only a forwarded REQUEST has any: its client's ids). */
    public static final int AUTHINFO_MAX = 1024;

    private final SnapshotImageCodec images;
    private final int dataBytesMax;
    private final int imageBytesMax;

    public LearnerStream(SnapshotImageCodec images, int dataBytesMax, int imageBytesMax) {
        if (dataBytesMax < 0 || imageBytesMax < 0) {
            throw new IllegalArgumentException("negative bound: dataBytesMax " + dataBytesMax + ", imageBytesMax " + imageBytesMax);
        }
        this.images = images;
        this.dataBytesMax = dataBytesMax;
        this.imageBytesMax = imageBytesMax;
    }

    /** The frame of {@code message} as server {@code senderId} sends it. */
    public byte[] encode(Message.Learner message, long senderId) {
        QuorumPacket packet = LearnerPackets.toPacket(message, senderId);
        if (packet.data() != null && packet.data().length > dataBytesMax) {
            throw new IllegalArgumentException(Message.describe(message) + " has " + packet.data().length
                    + " bytes of data, above dataBytesMax " + dataBytesMax);
        }
        JuteOutput out = new JuteOutput(64 + (packet.data() == null ? 0 : packet.data().length));
        packet.write(out);
        if (message instanceof Message.Snap snap) {
            byte[] image = images.encode(snap.snapshot().image());
            if (image.length > imageBytesMax) {
                throw new IllegalArgumentException("SNAP image of " + image.length + " bytes, above imageBytesMax " + imageBytesMax);
            }
            out.writeBuffer(image);
            out.writeString(SIGNATURE);
        }
        return out.toByteArray();
    }

    /**
     * The length of the frame that starts at {@code offset}, or -1 if the {@code length} bytes there hold
     * only a beginning of it and more must be read.
     *
     * @throws MalformedRecordException if a length in it is negative or beyond the bounds
     */
    public int frameLength(byte[] bytes, int offset, int length) {
        Scan scan = new Scan(bytes, offset, length);
        if (!scan.skip(4 + 8)) {
            return -1;
        }
        int type = scan.intAt(offset);
        if (!scan.skipBuffer("data", dataBytesMax) || !scan.skipAuthinfo()) {
            return -1;
        }
        if (type == QuorumPacketType.SNAP && (!scan.skipBuffer("SNAP image", imageBytesMax)
                || !scan.skipBuffer("SNAP signature", SIGNATURE.length()))) {
            return -1;
        }
        return scan.position - offset;
    }

    /**
     * The message of the one whole frame in {@code bytes[offset, offset + length)}, received on
     * {@code connection}, whose LEADERINFO had {@code epoch} (-1 if none was sent or received).
     *
     * @throws MalformedRecordException if the bytes are not exactly one frame of a message we know
     */
    public Message.Learner decode(byte[] bytes, int offset, int length, long connection, long epoch) {
        if (frameLength(bytes, offset, length) < 0) {
            throw new MalformedRecordException("a frame cut short: " + length + " bytes hold only its beginning");
        }
        JuteInput in = new JuteInput(bytes, offset, length);
        QuorumPacket packet = QuorumPacket.read(in);
        Message.Learner message;
        if (packet.type() == QuorumPacketType.SNAP) {
            if (packet.data() != null && packet.data().length > 0) {
                throw LearnerPackets.malformed(packet, "data where the image belongs after the packet");
            }
            byte[] image = in.readBuffer();
            if (image == null) {
                throw LearnerPackets.malformed(packet, "null image");
            }
            String signature = in.readString();
            if (!SIGNATURE.equals(signature)) {
                throw LearnerPackets.malformed(packet, "signature \"" + signature + "\", not \"" + SIGNATURE + "\"");
            }
            message = new Message.Snap(connection, new Snapshot(packet.zxid(), images.decode(image)));
        } else {
            message = LearnerPackets.fromPacket(packet, connection, epoch);
        }
        if (in.remaining() != 0) {
            throw LearnerPackets.malformed(packet, in.remaining() + " bytes after the frame");
        }
        return message;
    }

    /** Walks a frame's lengths without copying; every length is checked before it is skipped. */
    private static final class Scan {
        final byte[] bytes;
        final int limit;
        int position;

        Scan(byte[] bytes, int offset, int length) {
            if (offset < 0 || length < 0 || offset + length > bytes.length || offset + length < 0) {
                throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of " + bytes.length);
            }
            this.bytes = bytes;
            this.position = offset;
            this.limit = offset + length;
        }

        boolean skip(long count) {
            if (count > limit - position) {
                return false;
            }
            position += (int) count;
            return true;
        }

        int intAt(int at) {
            return new JuteInput(bytes, at, 4).readInt();
        }

        /** A buffer or ustring: int length (-1 = null), then that many bytes. */
        boolean skipBuffer(String what, int max) {
            if (!skip(4)) {
                return false;
            }
            int length = intAt(position - 4);
            if (length < -1 || length > max) {
                throw new MalformedRecordException(what + " length " + length + " at offset " + (position - 4)
                        + (length < 0 ? "" : ", above the bound " + max));
            }
            return length <= 0 || skip(length);
        }

        boolean skipAuthinfo() {
            if (!skip(4)) {
                return false;
            }
            int count = intAt(position - 4);
            if (count < -1 || count > AUTHINFO_MAX) {
                throw new MalformedRecordException("authinfo count " + count + " at offset " + (position - 4)
                        + (count < 0 ? "" : ", above the bound " + AUTHINFO_MAX));
            }
            for (int i = 0; i < count; i++) {
                if (!skipBuffer("authinfo scheme", Short.MAX_VALUE) || !skipBuffer("authinfo id", Short.MAX_VALUE)) {
                    return false;
                }
            }
            return true;
        }
    }
}
