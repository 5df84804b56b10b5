package dev.corral.zab.codec;

import dev.corral.tree.Zxid;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.LearnerInfo;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.QuorumPacket;
import dev.corral.wire.QuorumPacketType;
import dev.corral.wire.TxnHeader;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;

/**
 * The learner protocol's messages as ZooKeeper 3.9.5's {@link QuorumPacket}s: the same packet types, and
 * the zxid and data fields used as ZooKeeper's Leader, LearnerHandler, Learner, Follower and Observer use
 * them, so a packet we write is byte for byte the packet ZooKeeper writes for the same values.
 *
 * <p>Mapping (epoch zxid = {@code epoch << 32}, counter 0; "none" = a null buffer, as ZooKeeper writes):
 * <pre>
 *   Message        type            zxid                          data
 *   LearnerInfo    FOLLOWERINFO(11) epoch zxid of acceptedEpoch  LearnerInfo{serverid, 0x10000, configVersion 0}
 *                  OBSERVERINFO(16)   (observer = true)
 *   LeaderInfo     LEADERINFO(17)  epoch zxid of newEpoch        int 0x10000, then the shared secret's bytes (none: none)
 *   AckEpoch       ACKEPOCH(18)    lastZxid                      int currentEpoch (-1: epoch already accepted)
 *   Diff           DIFF(13)        0 (see below)                 none
 *   Trunc          TRUNC(14)       zxid                          none
 *   Snap           SNAP(15)        snapshot zxid                 none; the image follows (LearnerStream)
 *   Proposal       PROPOSAL(2)     entry zxid                    entry txn: TxnHeader + txn record
 *   NewLeader      NEWLEADER(10)   epoch zxid of epoch           none
 *   AckNewLeader   ACK(3)          epoch zxid of epoch           none
 *   Ack            ACK(3)          zxid (counter never 0)        none
 *   Commit         COMMIT(4)       zxid                          none
 *   Inform         INFORM(8)       entry zxid                    entry txn
 *   UpToDate       UPTODATE(12)    zxid                          none
 *   Ping           PING(5)         0                             leader: none; learner: (long sessionId, int timeout)*
 *   Request        REQUEST(1)      -1                            long sessionId, int cxid, int type, request record
 *   Revalidate     REVALIDATE(6)   -1                            long sessionId, int timeout
 *   RevalidateReply REVALIDATE(6)  -1                            long sessionId, boolean valid
 *   Sync           SYNC(7)         0                             none
 * </pre>
 * authinfo is a null vector except in REQUEST, which carries the session's identities (as ZooKeeper's
 * Learner#request does). The two REVALIDATEs are told apart by their data: 12 bytes one way, 9 the other.
 *
 * <p>What the two sides cannot carry alike, and what this class does about it:
 * <ul>
 *   <li>{@code connection}: no field; on TCP the connection is the socket. Decoding takes it from the caller.
 *   <li>The sender's server id and configuration version travel only in LearnerInfo's data; encoding takes
 *       the id from the caller and writes configuration version 0 (Corral has no dynamic reconfiguration;
 *       a ZooKeeper leader refuses only a version above its own). {@link #learnerInfo} reads them back.
 *   <li>AckEpoch's {@code epoch} (which LEADERINFO it answers) is implicit in ZooKeeper: decoding takes it
 *       from the caller, who sent that LEADERINFO on this connection. A learner that had already accepted
 *       the epoch writes -1 instead of its current epoch, and a leader in discovery counts that as no epoch
 *       ack (ZooKeeper's Learner#registerWithLeader and Leader#waitForEpochAck; our LearnerRole and
 *       LeaderRole do the same): -1 is carried through as {@code currentEpoch == -1}.
 *   <li>DIFF's zxid is the leader's last committed zxid in ZooKeeper, which its learner only logs; our
 *       Diff has no zxid, so we write 0 and decoding drops the value.
 *   <li>UPTODATE's zxid is -1 in ZooKeeper and ignored by its learner; ours carries the commit point.
 *   <li>LEADERINFO's data is only the protocol version in ZooKeeper; Corral's leader appends the ensemble's
 *       shared secret ({@code SharedSecret}, at most {@value #SECRET_BYTES_MAX} bytes), which ZooKeeper's learner
 *       skips (it reads the one int, Learner#registerWithLeader), and a ZooKeeper leader's 4 bytes decode as no secret.
 *   <li>NEWLEADER's data is the ensemble configuration text in ZooKeeper (QuorumVerifier); we write none,
 *       which its learner accepts (it parses data only when longer than one byte), and decoding drops it.
 *   <li>PING's zxid is the leader's last proposed zxid in ZooKeeper, echoed by the learner; ours is 0,
 *       and decoding drops it. A learner's PING data holds its session touches, as in ZooKeeper.
 *   <li>ZooKeeper's learner sends one more ACK of the NEWLEADER zxid after UPTODATE; it decodes as an
 *       AckNewLeader, which our leader ignores once the learner is active.
 * </ul>
 * Packets Corral has no message for (COMMITANDACTIVATE, INFORMANDACTIVATE: dynamic reconfiguration) and
 * unknown types are refused with {@link MalformedRecordException}.
 */
public final class LearnerPackets {
    /** The configuration version Corral announces: 0, ZooKeeper's for a configuration never reconfigured. */
    public static final long CONFIG_VERSION = 0;

    /** The longest shared secret a LEADERINFO may carry: a bound on what a peer can make us persist. */
    public static final int SECRET_BYTES_MAX = 1024;

    private static final long EPOCH_MAX = 0xffffffffL;

    private LearnerPackets() {}

    /**
     * The packet of {@code message} as server {@code senderId} sends it. A SNAP's image is not in the packet:
     * {@link LearnerStream} writes it after.
     */
    public static QuorumPacket toPacket(Message.Learner message, long senderId) {
        if (message instanceof Message.LearnerInfo m) {
            JuteOutput data = new JuteOutput(20);
            new LearnerInfo(senderId, LearnerInfo.PROTOCOL_VERSION, CONFIG_VERSION).write(data);
            int type = m.observer() ? QuorumPacketType.OBSERVERINFO : QuorumPacketType.FOLLOWERINFO;
            return packet(type, epochZxid(m.acceptedEpoch(), "acceptedEpoch"), data.toByteArray());
        } else if (message instanceof Message.LeaderInfo m) {
            byte[] secret = m.secret().value();
            if (secret.length > SECRET_BYTES_MAX) {
                throw new IllegalArgumentException("a shared secret of " + secret.length + " bytes, above " + SECRET_BYTES_MAX);
            }
            JuteOutput data = new JuteOutput(4 + secret.length);
            data.writeInt(LearnerInfo.PROTOCOL_VERSION);
            data.writeRaw(secret, 0, secret.length);
            return packet(QuorumPacketType.LEADERINFO, epochZxid(m.newEpoch(), "newEpoch"), data.toByteArray());
        } else if (message instanceof Message.AckEpoch m) {
            // ZooKeeper reads this int signed (StateSummary's current epoch): above 2^31-1 it would read negative.
            if (m.currentEpoch() < -1 || m.currentEpoch() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("ACKEPOCH currentEpoch " + m.currentEpoch() + " does not fit ZooKeeper's signed int");
            }
            return packet(QuorumPacketType.ACKEPOCH, m.lastZxid(), intBytes((int) m.currentEpoch()));
        } else if (message instanceof Message.Diff) {
            return packet(QuorumPacketType.DIFF, 0, null);
        } else if (message instanceof Message.Trunc m) {
            return packet(QuorumPacketType.TRUNC, m.zxid(), null);
        } else if (message instanceof Message.Snap m) {
            return packet(QuorumPacketType.SNAP, m.snapshot().zxid(), null);
        } else if (message instanceof Message.Proposal m) {
            return packet(QuorumPacketType.PROPOSAL, m.entry().zxid(), txnOf(m.entry().zxid(), m.entry().txn(), "PROPOSAL"));
        } else if (message instanceof Message.NewLeader m) {
            return packet(QuorumPacketType.NEWLEADER, epochZxid(m.epoch(), "NEWLEADER epoch"), null);
        } else if (message instanceof Message.AckNewLeader m) {
            return packet(QuorumPacketType.ACK, epochZxid(m.epoch(), "ACK(NEWLEADER) epoch"), null);
        } else if (message instanceof Message.Ack m) {
            if (Zxid.counter(m.zxid()) == 0) {
                // It would read back as the ACK of NEWLEADER: a txn's zxid never has counter 0.
                throw new IllegalArgumentException("ACK of " + Zxid.hex(m.zxid()) + ", a zxid no txn has");
            }
            return packet(QuorumPacketType.ACK, m.zxid(), null);
        } else if (message instanceof Message.Commit m) {
            return packet(QuorumPacketType.COMMIT, m.zxid(), null);
        } else if (message instanceof Message.Inform m) {
            return packet(QuorumPacketType.INFORM, m.entry().zxid(), txnOf(m.entry().zxid(), m.entry().txn(), "INFORM"));
        } else if (message instanceof Message.UpToDate m) {
            return packet(QuorumPacketType.UPTODATE, m.zxid(), null);
        } else if (message instanceof Message.Ping m) {
            if (m.touches().isEmpty()) {
                return packet(QuorumPacketType.PING, 0, null);
            }
            JuteOutput data = new JuteOutput(12 * m.touches().size());
            new java.util.TreeMap<>(m.touches()).forEach((sessionId, timeout) -> {
                data.writeLong(sessionId);
                data.writeInt(timeout);
            });
            return packet(QuorumPacketType.PING, 0, data.toByteArray());
        } else if (message instanceof Message.Request m) {
            JuteOutput data = new JuteOutput(16 + m.body().length);
            data.writeLong(m.sessionId());
            data.writeInt(m.cxid());
            data.writeInt(m.type());
            data.writeRaw(m.body(), 0, m.body().length);
            // No identities travel as a null vector, as ZooKeeper sends a createSession (its authInfo is null).
            return new QuorumPacket(QuorumPacketType.REQUEST, -1, data.toByteArray(), m.authInfo().isEmpty() ? null : m.authInfo());
        } else if (message instanceof Message.Revalidate m) {
            JuteOutput data = new JuteOutput(12);
            data.writeLong(m.sessionId());
            data.writeInt(m.timeoutMs());
            return packet(QuorumPacketType.REVALIDATE, -1, data.toByteArray());
        } else if (message instanceof Message.RevalidateReply m) {
            JuteOutput data = new JuteOutput(9);
            data.writeLong(m.sessionId());
            data.writeBool(m.valid());
            return packet(QuorumPacketType.REVALIDATE, -1, data.toByteArray());
        } else if (message instanceof Message.Sync) {
            return packet(QuorumPacketType.SYNC, 0, null);
        }
        throw new IllegalArgumentException("no packet for " + message);
    }

    /**
     * The message of {@code packet}, received on {@code connection}; {@code epoch} is the epoch of the
     * LEADERINFO sent on this connection (-1 if none), which an ACKEPOCH answers. A SNAP needs its image:
     * decode it with {@link LearnerStream}.
     *
     * @throws MalformedRecordException if the packet is not one a Corral or ZooKeeper 3.9.5 server sends
     */
    public static Message.Learner fromPacket(QuorumPacket packet, long connection, long epoch) {
        if (packet.authinfo() != null && !packet.authinfo().isEmpty() && packet.type() != QuorumPacketType.REQUEST) {
            throw malformed(packet, "authinfo outside REQUEST");
        }
        long zxid = packet.zxid();
        byte[] data = packet.data();
        switch (packet.type()) {
            case QuorumPacketType.FOLLOWERINFO, QuorumPacketType.OBSERVERINFO -> {
                learnerInfo(packet);
                return new Message.LearnerInfo(connection, epochOf(packet), packet.type() == QuorumPacketType.OBSERVERINFO);
            }
            case QuorumPacketType.LEADERINFO -> {
                if (data == null || data.length < 4 || data.length > 4 + SECRET_BYTES_MAX) {
                    throw malformed(packet, "data of " + length(data) + " bytes, not one int and at most " + SECRET_BYTES_MAX
                            + " bytes of secret");
                }
                int version = new JuteInput(data).readInt();
                if (version != LearnerInfo.PROTOCOL_VERSION) {
                    throw malformed(packet, "protocol version 0x" + Integer.toHexString(version) + ", not 0x10000");
                }
                return new Message.LeaderInfo(connection, epochOf(packet),
                        new dev.corral.zab.SharedSecret(java.util.Arrays.copyOfRange(data, 4, data.length)));
            }
            case QuorumPacketType.ACKEPOCH -> {
                if (epoch < 0) {
                    throw malformed(packet, "ACKEPOCH on a connection that sent no LEADERINFO");
                }
                int current = intOf(packet);
                if (current < -1) {
                    throw malformed(packet, "current epoch " + current);
                }
                return new Message.AckEpoch(connection, epoch, current, zxid);
            }
            case QuorumPacketType.DIFF -> {
                noData(packet);
                return new Message.Diff(connection);
            }
            case QuorumPacketType.TRUNC -> {
                noData(packet);
                return new Message.Trunc(connection, zxid);
            }
            case QuorumPacketType.PROPOSAL -> {
                return new Message.Proposal(connection, new LogEntry(zxid, txnOf(zxid, data, "PROPOSAL")));
            }
            case QuorumPacketType.NEWLEADER -> {
                return new Message.NewLeader(connection, epochOf(packet)); // ZooKeeper's configuration text dropped
            }
            case QuorumPacketType.ACK -> {
                noData(packet);
                return Zxid.counter(zxid) == 0 ? new Message.AckNewLeader(connection, zxid >>> 32) : new Message.Ack(connection, zxid);
            }
            case QuorumPacketType.COMMIT -> {
                noData(packet);
                return new Message.Commit(connection, zxid);
            }
            case QuorumPacketType.INFORM -> {
                return new Message.Inform(connection, new LogEntry(zxid, txnOf(zxid, data, "INFORM")));
            }
            case QuorumPacketType.UPTODATE -> {
                noData(packet);
                return new Message.UpToDate(connection, zxid);
            }
            case QuorumPacketType.PING -> {
                if (data != null && data.length % 12 != 0) {
                    throw malformed(packet, "session touches of " + data.length + " bytes, not a multiple of 12");
                }
                java.util.Map<Long, Integer> touches = new java.util.HashMap<>();
                JuteInput in = new JuteInput(data == null ? new byte[0] : data);
                while (in.remaining() > 0) {
                    touches.put(in.readLong(), in.readInt());
                }
                return new Message.Ping(connection, touches);
            }
            case QuorumPacketType.REQUEST -> {
                if (data == null || data.length < 16) {
                    throw malformed(packet, "REQUEST of " + length(data) + " bytes, shorter than its 16-byte header");
                }
                JuteInput in = new JuteInput(data);
                long sessionId = in.readLong();
                int cxid = in.readInt();
                int type = in.readInt();
                byte[] body = java.util.Arrays.copyOfRange(data, 16, data.length);
                return new Message.Request(connection, sessionId, cxid, type, body,
                        packet.authinfo() == null ? java.util.List.of() : packet.authinfo());
            }
            case QuorumPacketType.REVALIDATE -> {
                int length = data == null ? 0 : data.length;
                if (length != 12 && length != 9) {
                    throw malformed(packet, "REVALIDATE of " + length + " bytes, neither a question (12) nor an answer (9)");
                }
                JuteInput in = new JuteInput(data);
                long sessionId = in.readLong();
                return length == 12 ? new Message.Revalidate(connection, sessionId, in.readInt())
                        : new Message.RevalidateReply(connection, sessionId, in.readBool());
            }
            case QuorumPacketType.SYNC -> {
                noData(packet);
                return new Message.Sync(connection);
            }
            case QuorumPacketType.SNAP -> throw malformed(packet, "SNAP without its image: decode it with LearnerStream");
            default -> {
                String name = QuorumPacketType.name(packet.type());
                throw malformed(packet, name.startsWith("UNKNOWN") ? "unknown packet type " + packet.type()
                        : "packet type " + name + " has no Corral message yet");
            }
        }
    }

    /** The learner's id and versions in a FOLLOWERINFO or OBSERVERINFO, which a leader needs to know who connected. */
    public static LearnerInfo learnerInfo(QuorumPacket packet) {
        if (packet.type() != QuorumPacketType.FOLLOWERINFO && packet.type() != QuorumPacketType.OBSERVERINFO) {
            throw malformed(packet, "not FOLLOWERINFO or OBSERVERINFO");
        }
        if (packet.data() == null || packet.data().length != 20) {
            // ZooKeeper reads shorter infos of servers before 3.4; we speak only protocol 0x10000.
            throw malformed(packet, "LearnerInfo of " + length(packet.data()) + " bytes, not 20");
        }
        LearnerInfo info = LearnerInfo.read(new JuteInput(packet.data()));
        if (info.protocolVersion() < LearnerInfo.PROTOCOL_VERSION) {
            throw malformed(packet, "protocol version 0x" + Integer.toHexString(info.protocolVersion()) + " below 0x10000");
        }
        return info;
    }

    static MalformedRecordException malformed(QuorumPacket packet, String problem) {
        return new MalformedRecordException(QuorumPacketType.name(packet.type()) + " packet (zxid " + Zxid.hex(packet.zxid())
                + "): " + problem);
    }

    private static QuorumPacket packet(int type, long zxid, byte[] data) {
        return new QuorumPacket(type, zxid, data, null);
    }

    private static long epochZxid(long epoch, String what) {
        if (epoch < 0 || epoch > EPOCH_MAX) {
            throw new IllegalArgumentException(what + " " + epoch + " is not a 32-bit epoch");
        }
        return epoch << 32;
    }

    /** The epoch of a packet whose zxid is an epoch zxid: ZooKeeper always writes counter 0 there. */
    private static long epochOf(QuorumPacket packet) {
        if (Zxid.counter(packet.zxid()) != 0) {
            throw malformed(packet, "zxid with counter " + Zxid.counter(packet.zxid()) + " where an epoch (counter 0) belongs");
        }
        return packet.zxid() >>> 32;
    }

    private static byte[] intBytes(int value) {
        JuteOutput out = new JuteOutput(4);
        out.writeInt(value);
        return out.toByteArray();
    }

    private static int intOf(QuorumPacket packet) {
        if (packet.data() == null || packet.data().length != 4) {
            throw malformed(packet, "data of " + length(packet.data()) + " bytes, not one int");
        }
        return new JuteInput(packet.data()).readInt();
    }

    private static void noData(QuorumPacket packet) {
        if (packet.data() != null && packet.data().length > 0) {
            throw malformed(packet, packet.data().length + " bytes of data where none belong");
        }
    }

    /**
     * A txn as PROPOSAL and INFORM carry it, checked on both sides: it starts with a TxnHeader whose zxid is
     * the packet's (ZooKeeper's learner takes the zxid from that header, not from the packet).
     */
    private static byte[] txnOf(long zxid, byte[] txn, String what) {
        if (txn == null || txn.length < TxnHeader.BYTES) {
            throw new MalformedRecordException(what + " " + Zxid.hex(zxid) + ": txn of " + length(txn) + " bytes, shorter than a TxnHeader");
        }
        long headerZxid = new JuteInput(txn, TxnHeader.ZXID_OFFSET, 8).readLong();
        if (headerZxid != zxid) {
            throw new MalformedRecordException(what + " " + Zxid.hex(zxid) + ": its TxnHeader has zxid " + Zxid.hex(headerZxid));
        }
        return txn;
    }

    private static String length(byte[] data) {
        return data == null ? "null" : String.valueOf(data.length);
    }
}
