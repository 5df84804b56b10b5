package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.assertKeeperError;
import static dev.corral.compat.KeeperAssertions.bytes;
import static dev.corral.compat.KeeperAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * multi (opcode 14): all-or-nothing, the per-op result layout of a failed multi, ops seeing the
 * effects of earlier ops, and mixing reads with writes.
 */
class MultiTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    @Test
    void aFailingOpRollsBackEveryOpAndReportsOkFailureThenRuntimeInconsistency() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/kept", bytes("before"), OPEN, CreateMode.PERSISTENT);

        KeeperException failure = assertKeeperError(Code.NONODE, () -> zk.multi(List.of(
                Op.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT),
                Op.setData(root + "/kept", bytes("after"), -1),
                Op.delete(root + "/missing", -1),
                Op.create(root + "/b", new byte[0], OPEN, CreateMode.PERSISTENT),
                Op.check(root, 0))));

        assertThat(failure.getResults()).hasSize(5).allSatisfy(result ->
                assertThat(result).isInstanceOf(OpResult.ErrorResult.class));
        assertThat(failure.getResults()).extracting(result -> ((OpResult.ErrorResult) result).getErr())
                .containsExactly(Code.OK.intValue(), Code.OK.intValue(), Code.NONODE.intValue(),
                        Code.RUNTIMEINCONSISTENCY.intValue(), Code.RUNTIMEINCONSISTENCY.intValue());
        assertThat(zk.exists(root + "/a", false)).isNull();
        assertThat(text(zk.getData(root + "/kept", false, null))).isEqualTo("before");
        assertThat(zk.exists(root, false).getCversion()).isEqualTo(1);
    }

    @Test
    void aFailedCheckFailsTheMultiWithBadVersion() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        KeeperException failure = assertKeeperError(Code.BADVERSION, () -> zk.multi(List.of(
                Op.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT),
                Op.check(root, 5))));

        assertThat(failure.getResults()).extracting(result -> ((OpResult.ErrorResult) result).getErr())
                .containsExactly(Code.OK.intValue(), Code.BADVERSION.intValue());
        assertThat(zk.exists(root + "/a", false)).isNull();
    }

    @Test
    void laterOpsSeeTheEffectsOfEarlierOpsInTheSameMulti() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        List<OpResult> results = zk.multi(List.of(
                Op.create(root + "/a", bytes("1"), OPEN, CreateMode.PERSISTENT),
                Op.create(root + "/a/b", new byte[0], OPEN, CreateMode.PERSISTENT),
                Op.check(root + "/a", 0),
                Op.setData(root + "/a", bytes("2"), 0),
                Op.check(root + "/a", 1),
                Op.delete(root + "/a/b", 0),
                Op.create(root + "/seq-", new byte[0], OPEN, CreateMode.PERSISTENT_SEQUENTIAL)));

        assertThat(((OpResult.CreateResult) results.get(6)).getPath()).isEqualTo(root + "/seq-0000000001");
        assertThat(text(zk.getData(root + "/a", false, null))).isEqualTo("2");
        assertThat(zk.getChildren(root + "/a", false)).isEmpty();
    }

    @Test
    void createInAMultiReturnsTheStatWhenAskedFor() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        List<OpResult> results = zk.multi(List.of(
                Op.create(root + "/plain", new byte[0], OPEN, CreateMode.PERSISTENT),
                Op.create(root + "/container", new byte[0], OPEN, CreateMode.CONTAINER),
                Op.create(root + "/ttl", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, 60_000)));

        Stat container = ((OpResult.CreateResult) results.get(1)).getStat();
        Stat ttl = ((OpResult.CreateResult) results.get(2)).getStat();
        assertThat(((OpResult.CreateResult) results.get(0)).getStat()).as("create (opcode 1) has no stat").isNull();
        assertThat(container).isEqualTo(zk.exists(root + "/container", false));
        assertThat(ttl).isEqualTo(zk.exists(root + "/ttl", false));
    }

    /** The Java client refuses to send such a multi (IllegalArgumentException); the server rejects it too. */
    @Test
    void theServerAnswersMarshallingErrorToAMultiMixingReadsAndWrites() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        RawClient raw = server.raw();
        byte[] mixed = new Jute.Writer()
                .writeInt(RawClient.CREATE).writeBoolean(false).writeInt(-1)
                .writeString(root + "/mixed").writeBuffer(new byte[0]).writeOpenAcl().writeInt(0)
                .writeInt(RawClient.GET_DATA).writeBoolean(false).writeInt(-1)
                .writeString(root).writeBoolean(false)
                .writeInt(-1).writeBoolean(true).writeInt(-1)
                .toByteArray();

        RawClient.Reply reply = raw.call(RawClient.MULTI, mixed);

        assertThat(Code.get(reply.err())).isEqualTo(Code.MARSHALLINGERROR);
        assertThat(zk.exists(root + "/mixed", false)).isNull();
    }

    @Test
    void aFailedMultiHasAnOkReplyHeaderAndErrorEntriesInTheBody() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        RawClient raw = server.raw();
        byte[] failing = new Jute.Writer()
                .writeInt(RawClient.CREATE).writeBoolean(false).writeInt(-1)
                .writeString(root + "/a").writeBuffer(new byte[0]).writeOpenAcl().writeInt(0)
                .writeInt(RawClient.DELETE).writeBoolean(false).writeInt(-1)
                .writeString(root + "/missing").writeInt(-1)
                .writeInt(RawClient.DELETE).writeBoolean(false).writeInt(-1)
                .writeString(root + "/a").writeInt(-1)
                .writeInt(-1).writeBoolean(true).writeInt(-1)
                .toByteArray();

        RawClient.Reply reply = raw.call(RawClient.MULTI, failing);

        assertThat(reply.err()).as("ReplyHeader.err of a failed multi").isZero();
        Jute.Reader body = reply.reader();
        // Each result: MultiHeader{type=-1 (error), done=false, err} then ErrorResponse{err}.
        int[][] expected = {{-1, 0}, {-1, Code.NONODE.intValue()}, {-1, Code.RUNTIMEINCONSISTENCY.intValue()}};
        for (int[] entry : expected) {
            assertThat(body.readInt()).as("header type").isEqualTo(entry[0]);
            assertThat(body.readBoolean()).as("header done").isFalse();
            assertThat(body.readInt()).as("header err").isEqualTo(entry[1]);
            assertThat(body.readInt()).as("ErrorResponse err").isEqualTo(entry[1]);
        }
        assertThat(body.readInt()).as("end marker type").isEqualTo(-1);
        assertThat(body.readBoolean()).as("end marker done").isTrue();
        assertThat(body.readInt()).as("end marker err").isEqualTo(-1);
        assertThat(body.remaining()).isZero();
    }

    @Test
    void aSuccessfulMultiBodyHasOneTypedEntryPerOp() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        RawClient raw = server.raw();
        byte[] ops = new Jute.Writer()
                .writeInt(RawClient.CREATE).writeBoolean(false).writeInt(-1)
                .writeString(root + "/a").writeBuffer(new byte[0]).writeOpenAcl().writeInt(0)
                .writeInt(RawClient.DELETE).writeBoolean(false).writeInt(-1)
                .writeString(root + "/a").writeInt(-1)
                .writeInt(-1).writeBoolean(true).writeInt(-1)
                .toByteArray();

        RawClient.Reply reply = raw.call(RawClient.MULTI, ops);

        Jute.Reader body = reply.reader();
        assertThat(reply.err()).isZero();
        assertThat(List.of(body.readInt(), body.readBoolean(), body.readInt())).containsExactly(RawClient.CREATE, false, 0);
        assertThat(body.readString()).isEqualTo(root + "/a");
        assertThat(List.of(body.readInt(), body.readBoolean(), body.readInt())).containsExactly(RawClient.DELETE, false, 0);
        assertThat(List.of(body.readInt(), body.readBoolean(), body.readInt())).containsExactly(-1, true, -1);
        assertThat(body.remaining()).isZero();
    }
}
