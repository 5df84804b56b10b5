package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.CheckVersionTxn;
import dev.corral.wire.CloseSessionTxn;
import dev.corral.wire.CreateContainerTxn;
import dev.corral.wire.CreateSessionTxn;
import dev.corral.wire.CreateTTLTxn;
import dev.corral.wire.CreateTxn;
import dev.corral.wire.DeleteTxn;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.ErrorTxn;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.MultiTxn;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetACLTxn;
import dev.corral.wire.SetDataTxn;
import dev.corral.wire.TxnDigest;
import dev.corral.wire.TxnHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes txn entries as ZooKeeper 3.9 logs and proposes them: a {@link TxnHeader} and the txn record its
 * type names (ZooKeeper: {@code Util#marshallTxnEntry}, read back by {@code SerializeUtils#deserializeTxn}).
 * The write-ahead log, PROPOSAL and INFORM packets carry these bytes, so there is one txn encoding.
 *
 * <pre>
 *   entry      = header txn [digest]          ; a digest is read if ZooKeeper wrote one, never written
 *   header     = clientId:long cxid:int zxid:long time:long type:int          ; TxnHeader
 *   txn        = by the header's type:
 *     create (1), create2 (15)          CreateTxn          path data acl ephemeral:boolean parentCVersion:int
 *     createContainer (19)              CreateContainerTxn path data acl parentCVersion:int
 *     createTTL (21)                    CreateTTLTxn       path data acl parentCVersion:int ttl:long
 *     delete (2), deleteContainer (20)  DeleteTxn          path
 *     setData (5)                       SetDataTxn         path data version:int
 *     setACL (7)                        SetACLTxn          path acl version:int
 *     check (13)                        CheckVersionTxn    path version:int
 *     error (-1)                        ErrorTxn           err:int
 *     multi (14)                        MultiTxn           count:int op{count}
 *     createSession (-10)               CreateSessionTxn   timeOut:int
 *     closeSession (-11)                CloseSessionTxn    paths2Delete:vector&lt;ustring&gt;, or nothing
 *   op         = type:int data:buffer     ; data = the txn of that type; types create, create2,
 *                                         ; createContainer, createTTL, delete, deleteContainer, setData,
 *                                         ; check and error (DataTree#processTxn), so a multi never nests
 *   digest     = version:int treeDigest:long                                   ; TxnDigest
 *   path       = ustring    data = buffer    acl = vector&lt;perms:int scheme:ustring id:ustring&gt;
 * </pre>
 *
 * <p>How Corral's {@link Txn} maps onto it, and back:
 * <ul>
 *   <li>The entry's sessionId, cxid, zxid and timeMs are the header's clientId, cxid, zxid and time.
 *   <li>{@link Txn.Create}: its kind is the record (CreateContainerTxn for a container, CreateTTLTxn with
 *       ttl = ttlMs for a TTL node, CreateTxn otherwise) and the ephemeral flag; the owner of an ephemeral
 *       is the header's clientId, as in ZooKeeper's {@code DataTree#processTxn}. A sequential node needs
 *       nothing: its sequence number is already in the path.
 *   <li>{@link Txn.CreateSession} and {@link Txn.CloseSession}: the session is the header's clientId. A
 *       closeSession with no record (ZooKeeper before 3.6, or closeSessionTxn disabled) reads as a close
 *       with no listed ephemerals; the applier then deletes the ephemerals the tree holds, as ZooKeeper does.
 *   <li>{@link Txn.Multi}: a multi in which some op failed is read as ZooKeeper applies it: the ops before
 *       the first error as error 0 and those after it as RUNTIMEINCONSISTENCY (ZooKeeper's preparer logs
 *       the ops before the failure as prepared; Corral's logs them as error 0, which applies the same).
 * </ul>
 *
 * <p>The digest. ZooKeeper appends a {@link TxnDigest} of its tree after each txn, and reads it only if
 * present. Corral writes none: its tree digest is not ZooKeeper's formula ({@code reference/replication.md}
 * section 2), and a ZooKeeper peer given Corral's digest under ZooKeeper's digest version would report a
 * mismatch on every txn. Without one, ZooKeeper's reader simply finds no digest, as when
 * {@code zookeeper.digest.enabled=false}. On reading, a digest after the txn is accepted and skipped.
 *
 * <p>Not read: reconfig (16), which ZooKeeper logs as a SetDataTxn of /zookeeper/config; Corral has no
 * dynamic configuration yet, so it is refused by name rather than applied as a plain setData.
 */
public final class TxnCodec {
    /** Where the zxid lies in an encoded entry, so a log scan can check order without decoding. */
    public static final int ZXID_OFFSET = TxnHeader.ZXID_OFFSET;

    private TxnCodec() {}

    public static void write(TxnEntry entry, JuteOutput out) {
        Txn txn = entry.txn();
        new TxnHeader(entry.sessionId(), entry.cxid(), entry.zxid(), entry.timeMs(), type(txn)).write(out);
        if (txn instanceof Txn.Multi multi) {
            List<MultiTxn.Op> ops = new ArrayList<>(multi.txns().size());
            for (Txn sub : multi.txns()) {
                if (!isMultiOp(sub)) {
                    Invariants.check(false, "a %s cannot be an op of the multi at zxid %s", sub, Zxid.hex(entry.zxid()));
                }
                JuteOutput record = new JuteOutput(64);
                writeRecord(sub, entry, record);
                ops.add(new MultiTxn.Op(type(sub), record.toByteArray()));
            }
            new MultiTxn(ops).write(out);
        } else {
            writeRecord(txn, entry, out);
        }
    }

    public static byte[] encode(TxnEntry entry) {
        JuteOutput out = new JuteOutput(128);
        write(entry, out);
        return out.toByteArray();
    }

    /** Reads one entry's header and txn; a digest after them is left unread (see {@link #decode}). */
    public static TxnEntry read(JuteInput in) {
        TxnHeader header = TxnHeader.read(in);
        Txn txn = switch (header.type()) {
            case OpCode.MULTI -> readMulti(in, header);
            case OpCode.CREATE_SESSION -> new Txn.CreateSession(header.clientId(), CreateSessionTxn.read(in).timeOut());
            case OpCode.CLOSE_SESSION -> readCloseSession(in, header);
            case OpCode.RECONFIG -> throw new MalformedRecordException("reconfig txn at zxid " + Zxid.hex(header.zxid())
                    + ": dynamic reconfiguration is not supported");
            default -> readRecord(header.type(), in, header);
        };
        return new TxnEntry(header.zxid(), header.time(), header.clientId(), header.cxid(), txn);
    }

    /** Decodes one whole entry: header, txn, and at most a digest after them. */
    public static TxnEntry decode(byte[] bytes) {
        JuteInput in = new JuteInput(bytes);
        TxnEntry entry = read(in);
        if (in.remaining() == TxnDigest.BYTES) {
            TxnDigest.read(in);
        }
        if (in.remaining() != 0) {
            throw new MalformedRecordException(in.remaining() + " bytes after the txn of zxid " + Zxid.hex(entry.zxid()));
        }
        return entry;
    }

    /** ZooKeeper's txn type for {@code txn}: the header's type, or a multi op's. */
    private static int type(Txn txn) {
        if (txn instanceof Txn.Create c) {
            return c.type();
        } else if (txn instanceof Txn.Delete d) {
            return d.type();
        } else if (txn instanceof Txn.SetData) {
            return OpCode.SET_DATA;
        } else if (txn instanceof Txn.SetAcl) {
            return OpCode.SET_ACL;
        } else if (txn instanceof Txn.Check) {
            return OpCode.CHECK;
        } else if (txn instanceof Txn.Error) {
            return OpCode.ERROR;
        } else if (txn instanceof Txn.Multi) {
            return OpCode.MULTI;
        } else if (txn instanceof Txn.CreateSession) {
            return OpCode.CREATE_SESSION;
        } else if (txn instanceof Txn.CloseSession) {
            return OpCode.CLOSE_SESSION;
        }
        throw new IllegalStateException("unknown txn " + txn);
    }

    /** The ops ZooKeeper's DataTree applies inside a multi. */
    private static boolean isMultiOp(Txn txn) {
        return txn instanceof Txn.Create || txn instanceof Txn.Delete || txn instanceof Txn.SetData
                || txn instanceof Txn.Check || txn instanceof Txn.Error;
    }

    /** Writes the record of every txn but a multi; the session-owned fields must be the header's. */
    private static void writeRecord(Txn txn, TxnEntry entry, JuteOutput out) {
        if (txn instanceof Txn.Create c) {
            Invariants.check(c.kind() != NodeKind.EPHEMERAL || c.ephemeralOwner() == entry.sessionId(),
                    "ephemeral %s owned by %x in a txn of session %x", c.path(), c.ephemeralOwner(), entry.sessionId());
            switch (c.kind()) {
                case CONTAINER -> new CreateContainerTxn(c.path(), c.data(), c.acl(), c.parentCversion()).write(out);
                case TTL -> new CreateTTLTxn(c.path(), c.data(), c.acl(), c.parentCversion(), c.ttlMs()).write(out);
                case PERSISTENT, EPHEMERAL -> new CreateTxn(c.path(), c.data(), c.acl(), c.kind() == NodeKind.EPHEMERAL,
                        c.parentCversion()).write(out);
            }
        } else if (txn instanceof Txn.Delete d) {
            new DeleteTxn(d.path()).write(out);
        } else if (txn instanceof Txn.SetData s) {
            new SetDataTxn(s.path(), s.data(), s.version()).write(out);
        } else if (txn instanceof Txn.SetAcl s) {
            new SetACLTxn(s.path(), s.acl(), s.aversion()).write(out);
        } else if (txn instanceof Txn.Check c) {
            new CheckVersionTxn(c.path(), c.version()).write(out);
        } else if (txn instanceof Txn.Error e) {
            new ErrorTxn(e.err()).write(out);
        } else if (txn instanceof Txn.CreateSession s) {
            Invariants.check(s.sessionId() == entry.sessionId(), "createSession of %x in a txn of session %x", s.sessionId(),
                    entry.sessionId());
            new CreateSessionTxn(s.timeoutMs()).write(out);
        } else if (txn instanceof Txn.CloseSession s) {
            Invariants.check(s.sessionId() == entry.sessionId(), "closeSession of %x in a txn of session %x", s.sessionId(),
                    entry.sessionId());
            new CloseSessionTxn(s.ephemerals()).write(out);
        } else {
            throw new IllegalStateException("no record for txn " + txn);
        }
    }

    /** Reads the record of {@code type}: any type a multi op may have, and setACL. */
    private static Txn readRecord(int type, JuteInput in, TxnHeader header) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2 -> {
                CreateTxn c = CreateTxn.read(in);
                if (c.ephemeral() && header.clientId() == 0) {
                    throw new MalformedRecordException("ephemeral create of " + c.path() + " at zxid " + Zxid.hex(header.zxid())
                            + " without a session");
                }
                NodeKind kind = c.ephemeral() ? NodeKind.EPHEMERAL : NodeKind.PERSISTENT;
                yield new Txn.Create(type, path(c.path()), c.data(), acl(c.acl()), kind, c.ephemeral() ? header.clientId() : 0,
                        0, c.parentCVersion());
            }
            case OpCode.CREATE_CONTAINER -> {
                CreateContainerTxn c = CreateContainerTxn.read(in);
                yield new Txn.Create(type, path(c.path()), c.data(), acl(c.acl()), NodeKind.CONTAINER, 0, 0, c.parentCVersion());
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLTxn c = CreateTTLTxn.read(in);
                // ZooKeeper cannot apply any other ttl either (EphemeralType.TTL#toEphemeralOwner throws).
                if (c.ttl() <= 0 || c.ttl() > TxnPreparer.TTL_MAX_MS) {
                    throw new MalformedRecordException("createTTL of " + c.path() + " at zxid " + Zxid.hex(header.zxid())
                            + " with ttl " + c.ttl());
                }
                yield new Txn.Create(type, path(c.path()), c.data(), acl(c.acl()), NodeKind.TTL, 0, c.ttl(), c.parentCVersion());
            }
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> new Txn.Delete(type, path(DeleteTxn.read(in).path()));
            case OpCode.SET_DATA -> {
                SetDataTxn s = SetDataTxn.read(in);
                yield new Txn.SetData(path(s.path()), s.data(), s.version());
            }
            case OpCode.SET_ACL -> {
                SetACLTxn s = SetACLTxn.read(in);
                yield new Txn.SetAcl(path(s.path()), acl(s.acl()), s.version());
            }
            case OpCode.CHECK -> {
                CheckVersionTxn c = CheckVersionTxn.read(in);
                yield new Txn.Check(path(c.path()), c.version());
            }
            case OpCode.ERROR -> new Txn.Error(ErrorTxn.read(in).err());
            default -> throw new MalformedRecordException("unknown txn type " + type + " at zxid " + Zxid.hex(header.zxid()));
        };
    }

    private static Txn readMulti(JuteInput in, TxnHeader header) {
        List<MultiTxn.Op> ops = MultiTxn.read(in).txns();
        if (ops == null) {
            throw new MalformedRecordException("multi txn at zxid " + Zxid.hex(header.zxid()) + " with a null op list");
        }
        List<Txn> txns = new ArrayList<>(ops.size());
        boolean failed = false;
        for (MultiTxn.Op op : ops) {
            if (op.type() == OpCode.SET_ACL || op.data() == null) {
                throw new MalformedRecordException("multi txn at zxid " + Zxid.hex(header.zxid()) + " with an op of type "
                        + op.type() + (op.data() == null ? " and no record" : ", which ZooKeeper does not apply in a multi"));
            }
            JuteInput record = new JuteInput(op.data());
            txns.add(readRecord(op.type(), record, header));
            if (record.remaining() != 0) {
                throw new MalformedRecordException(record.remaining() + " bytes after op " + txns.size() + " of the multi at zxid "
                        + Zxid.hex(header.zxid()));
            }
            failed |= op.type() == OpCode.ERROR;
        }
        return new Txn.Multi(failed ? asApplied(txns) : txns);
    }

    /** A failed multi as ZooKeeper's DataTree#processTxn applies it: every op an error. */
    private static List<Txn> asApplied(List<Txn> txns) {
        List<Txn> errors = new ArrayList<>(txns.size());
        boolean afterError = false;
        for (Txn txn : txns) {
            if (txn instanceof Txn.Error) {
                afterError = true;
                errors.add(txn);
            } else {
                errors.add(new Txn.Error(afterError ? ErrorCode.RUNTIMEINCONSISTENCY : ErrorCode.OK));
            }
        }
        return errors;
    }

    private static Txn readCloseSession(JuteInput in, TxnHeader header) {
        if (in.remaining() == 0) {
            return new Txn.CloseSession(header.clientId(), List.of());
        }
        List<String> paths = CloseSessionTxn.read(in).paths2Delete();
        return new Txn.CloseSession(header.clientId(), paths == null ? List.of() : paths);
    }

    private static String path(String path) {
        if (path == null) {
            throw new MalformedRecordException("txn without a path");
        }
        return path;
    }

    private static List<Acl> acl(List<Acl> acl) {
        if (acl == null) {
            throw new MalformedRecordException("txn with a null ACL");
        }
        return acl;
    }
}
