package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MalformedRecordException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes txn entries for the write-ahead log, snapshots and (later) ZAB proposals, in jute's binary
 * encoding (see {@link JuteOutput}). The format is Corral's own; it is not ZooKeeper's txn log format.
 *
 * <pre>
 *   entry         = zxid:long timeMs:long sessionId:long cxid:int txn
 *   txn           = tag:int body
 *   create    (1) = opType:int path:ustring data:buffer acl:vector&lt;acl&gt; kind:int ephemeralOwner:long
 *                   ttlMs:long parentCversion:int
 *   delete    (2) = path:ustring
 *   setData   (3) = path:ustring data:buffer version:int
 *   setAcl    (4) = path:ustring acl:vector&lt;acl&gt; aversion:int
 *   check     (5) = path:ustring version:int
 *   error     (6) = err:int
 *   multi     (7) = count:int txn{count}        ; a multi never nests
 *   createSession (8) = sessionId:long timeoutMs:int
 *   closeSession  (9) = sessionId:long ephemerals:vector&lt;ustring&gt;
 *   acl           = perms:int scheme:ustring id:ustring
 * </pre>
 */
public final class TxnCodec {
    private static final int CREATE = 1;
    private static final int DELETE = 2;
    private static final int SET_DATA = 3;
    private static final int SET_ACL = 4;
    private static final int CHECK = 5;
    private static final int ERROR = 6;
    private static final int MULTI = 7;
    private static final int CREATE_SESSION = 8;
    private static final int CLOSE_SESSION = 9;

    private TxnCodec() {}

    public static void write(TxnEntry entry, JuteOutput out) {
        out.writeLong(entry.zxid());
        out.writeLong(entry.timeMs());
        out.writeLong(entry.sessionId());
        out.writeInt(entry.cxid());
        writeTxn(entry.txn(), out);
    }

    public static byte[] encode(TxnEntry entry) {
        JuteOutput out = new JuteOutput(128);
        write(entry, out);
        return out.toByteArray();
    }

    public static TxnEntry read(JuteInput in) {
        long zxid = in.readLong();
        long timeMs = in.readLong();
        long sessionId = in.readLong();
        int cxid = in.readInt();
        return new TxnEntry(zxid, timeMs, sessionId, cxid, readTxn(in, true));
    }

    public static TxnEntry decode(byte[] bytes) {
        JuteInput in = new JuteInput(bytes);
        TxnEntry entry = read(in);
        if (in.remaining() != 0) {
            throw new MalformedRecordException(in.remaining() + " bytes after the txn of zxid " + Zxid.hex(entry.zxid()));
        }
        return entry;
    }

    private static void writeTxn(Txn txn, JuteOutput out) {
        if (txn instanceof Txn.Create c) {
            out.writeInt(CREATE);
            out.writeInt(c.type());
            out.writeString(c.path());
            out.writeBuffer(c.data());
            Acl.writeList(out, c.acl());
            out.writeInt(c.kind().ordinal());
            out.writeLong(c.ephemeralOwner());
            out.writeLong(c.ttlMs());
            out.writeInt(c.parentCversion());
        } else if (txn instanceof Txn.Delete d) {
            out.writeInt(DELETE);
            out.writeString(d.path());
        } else if (txn instanceof Txn.SetData s) {
            out.writeInt(SET_DATA);
            out.writeString(s.path());
            out.writeBuffer(s.data());
            out.writeInt(s.version());
        } else if (txn instanceof Txn.SetAcl s) {
            out.writeInt(SET_ACL);
            out.writeString(s.path());
            Acl.writeList(out, s.acl());
            out.writeInt(s.aversion());
        } else if (txn instanceof Txn.Check c) {
            out.writeInt(CHECK);
            out.writeString(c.path());
            out.writeInt(c.version());
        } else if (txn instanceof Txn.Error e) {
            out.writeInt(ERROR);
            out.writeInt(e.err());
        } else if (txn instanceof Txn.Multi m) {
            out.writeInt(MULTI);
            out.writeInt(m.txns().size());
            for (Txn sub : m.txns()) {
                writeTxn(sub, out);
            }
        } else if (txn instanceof Txn.CreateSession s) {
            out.writeInt(CREATE_SESSION);
            out.writeLong(s.sessionId());
            out.writeInt(s.timeoutMs());
        } else if (txn instanceof Txn.CloseSession s) {
            out.writeInt(CLOSE_SESSION);
            out.writeLong(s.sessionId());
            out.writeStrings(s.ephemerals());
        } else {
            throw new IllegalStateException("unknown txn " + txn);
        }
    }

    private static Txn readTxn(JuteInput in, boolean multiAllowed) {
        int tag = in.readInt();
        return switch (tag) {
            case CREATE -> new Txn.Create(in.readInt(), path(in), in.readBuffer(), acl(in), kind(in.readInt()), in.readLong(),
                    in.readLong(), in.readInt());
            case DELETE -> new Txn.Delete(path(in));
            case SET_DATA -> new Txn.SetData(path(in), in.readBuffer(), in.readInt());
            case SET_ACL -> new Txn.SetAcl(path(in), acl(in), in.readInt());
            case CHECK -> new Txn.Check(path(in), in.readInt());
            case ERROR -> new Txn.Error(in.readInt());
            case MULTI -> {
                if (!multiAllowed) {
                    throw new MalformedRecordException("nested multi");
                }
                int count = in.readInt();
                if (count < 0 || count > in.remaining() / 4) {
                    throw new MalformedRecordException("multi of " + count + " txns with " + in.remaining() + " bytes left");
                }
                List<Txn> txns = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    txns.add(readTxn(in, false));
                }
                yield new Txn.Multi(txns);
            }
            case CREATE_SESSION -> new Txn.CreateSession(in.readLong(), in.readInt());
            case CLOSE_SESSION -> {
                long sessionId = in.readLong();
                List<String> ephemerals = in.readStrings();
                yield new Txn.CloseSession(sessionId, ephemerals == null ? List.of() : ephemerals);
            }
            default -> throw new MalformedRecordException("unknown txn tag " + tag);
        };
    }

    private static String path(JuteInput in) {
        String path = in.readString();
        if (path == null) {
            throw new MalformedRecordException("txn without a path");
        }
        return path;
    }

    private static List<Acl> acl(JuteInput in) {
        List<Acl> acl = Acl.readList(in);
        if (acl == null) {
            throw new MalformedRecordException("txn with a null ACL");
        }
        return acl;
    }

    private static NodeKind kind(int ordinal) {
        NodeKind[] kinds = NodeKind.values();
        if (ordinal < 0 || ordinal >= kinds.length) {
            throw new MalformedRecordException("unknown node kind " + ordinal);
        }
        return kinds[ordinal];
    }
}
