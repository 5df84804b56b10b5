package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.OpCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.server.persistence.Util;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnDigest;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Entries written by ZooKeeper 3.9.5's own classes ({@code Util#marshallTxnEntry}, as its log and its
 * PROPOSALs hold them), in shapes our preparer does not produce, decode to the txn ZooKeeper applies;
 * and broken or unsupported entries fail with {@link MalformedRecordException} naming the problem.
 */
class TxnCodecReadTest {
    private static final long SESSION = 0x0300_0000_0000_0007L;
    private static final long ZXID = 0x5_0000_0009L;
    private static final long TIME = 1_700_000_000_000L;
    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final TxnDigest DIGEST = new TxnDigest(2, 0x0fed_cba9_8765_4321L);

    record Case(String name, byte[] bytes, Txn expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Broken(String name, byte[] bytes, String messagePart) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> zooKeepersEntries() {
        return List.of(
                // A failed multi as ZooKeeper's preparer logs it: the op before the failure as prepared.
                new Case("failed multi with a prepared op before the error", entry(ZooDefs.OpCode.multi, new MultiTxn(List.of(
                        op(ZooDefs.OpCode.create, new CreateTxn("/a", null, OPEN, false, 1)),
                        op(ZooDefs.OpCode.error, new ErrorTxn(ErrorCode.BADVERSION)),
                        op(ZooDefs.OpCode.error, new ErrorTxn(ErrorCode.RUNTIMEINCONSISTENCY)))), DIGEST),
                        new Txn.Multi(List.of(new Txn.Error(ErrorCode.OK), new Txn.Error(ErrorCode.BADVERSION),
                                new Txn.Error(ErrorCode.RUNTIMEINCONSISTENCY)))),
                new Case("closeSession without a record (ZooKeeper before 3.6)",
                        entry(ZooDefs.OpCode.closeSession, null, null), new Txn.CloseSession(SESSION, List.of())),
                new Case("ephemeral create2 owned by the header's session", entry(ZooDefs.OpCode.create2,
                        new CreateTxn("/e-0000000004", new byte[] {1, 2}, OPEN, true, 5), DIGEST),
                        new Txn.Create(OpCode.CREATE2, "/e-0000000004", new byte[] {1, 2}, Acl.OPEN_ACL_UNSAFE,
                                NodeKind.EPHEMERAL, SESSION, 0, 5)),
                new Case("createTTL", entry(ZooDefs.OpCode.createTTL, new CreateTTLTxn("/t", null, OPEN, 2, 30_000), DIGEST),
                        new Txn.Create(OpCode.CREATE_TTL, "/t", null, Acl.OPEN_ACL_UNSAFE, NodeKind.TTL, 0, 30_000, 2)),
                new Case("deleteContainer", entry(ZooDefs.OpCode.deleteContainer, new DeleteTxn("/c"), DIGEST),
                        new Txn.Delete(OpCode.DELETE_CONTAINER, "/c")));
    }

    static List<Broken> brokenEntries() {
        return List.of(
                new Broken("reconfig", entry(ZooDefs.OpCode.reconfig, new SetDataTxn("/zookeeper/config", null, 3), null),
                        "reconfig txn at zxid 0x500000009"),
                new Broken("unknown type", entry(ZooDefs.OpCode.getData, new DeleteTxn("/a"), null), "unknown txn type 4"),
                new Broken("ephemeral without a session", marshall(new TxnHeader(0, 0, ZXID, TIME, ZooDefs.OpCode.create),
                        new CreateTxn("/e", null, OPEN, true, 1), null), "ephemeral create of /e"),
                new Broken("ttl 0", entry(ZooDefs.OpCode.createTTL, new CreateTTLTxn("/t", null, OPEN, 1, 0), null),
                        "with ttl 0"),
                new Broken("null path", entry(ZooDefs.OpCode.delete, new DeleteTxn(null), null), "txn without a path"),
                new Broken("null ACL", entry(ZooDefs.OpCode.create, new CreateTxn("/a", null, null, false, 1), null),
                        "txn with a null ACL"),
                new Broken("setACL inside a multi", entry(ZooDefs.OpCode.multi, new MultiTxn(List.of(op(ZooDefs.OpCode.setACL,
                        new org.apache.zookeeper.txn.SetACLTxn("/a", OPEN, 1)))), null), "an op of type 7"),
                new Broken("multi inside a multi", entry(ZooDefs.OpCode.multi, new MultiTxn(List.of(op(ZooDefs.OpCode.multi,
                        new MultiTxn(List.of())))), null), "unknown txn type 14"),
                new Broken("bytes after an op's record", entry(ZooDefs.OpCode.multi, new MultiTxn(List.of(
                        new org.apache.zookeeper.txn.Txn(ZooDefs.OpCode.error, new byte[6]))), null), "2 bytes after op 1"),
                new Broken("5 bytes after the txn", concat(entry(ZooDefs.OpCode.delete, new DeleteTxn("/a"), null), new byte[5]),
                        "5 bytes after the txn of zxid 0x500000009"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zooKeepersEntries")
    void decodesZooKeepersEntryAsZooKeeperAppliesIt(Case row) {
        assertThat(TxnCodec.decode(row.bytes())).isEqualTo(new TxnEntry(ZXID, TIME, SESSION, 11, row.expected()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zooKeepersEntries")
    void decodeOfEveryTruncatedEntryThrowsMalformed(Case row) {
        byte[] bytes = row.bytes();
        // A digest is optional, so an entry cut right before it is whole; only the closeSession row has none.
        int headerAndTxn = bytes.length - (row.expected() instanceof Txn.CloseSession ? 0 : dev.corral.wire.TxnDigest.BYTES);
        for (int length = 0; length < headerAndTxn; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> TxnCodec.decode(truncated)).as("%s cut to %d of %d bytes", row.name(), length, bytes.length)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEntries")
    void decodeOfBrokenEntryThrowsMalformedNamingTheProblem(Broken row) {
        assertThatThrownBy(() -> TxnCodec.decode(row.bytes())).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(row.messagePart());
    }

    private static byte[] entry(int type, Record txn, TxnDigest digest) {
        return marshall(new TxnHeader(SESSION, 11, ZXID, TIME, type), txn, digest);
    }

    private static byte[] marshall(TxnHeader header, Record txn, TxnDigest digest) {
        try {
            return Util.marshallTxnEntry(header, txn, digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static org.apache.zookeeper.txn.Txn op(int type, Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            record.serialize(BinaryOutputArchive.getArchive(bytes), "request");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new org.apache.zookeeper.txn.Txn(type, bytes.toByteArray());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
