package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.zookeeper.KeeperException.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The zxid in ReplyHeader, seen with {@link RawClient}: a write's reply carries its own zxid; a
 * read's, ping's or failed read's carries the last committed zxid; a failed write still consumes a
 * zxid (ZooKeeper 3.9 logs an error txn for it, PrepRequestProcessor#pRequest).
 *
 * <p>Each test runs on its own server so that no other session's txn interleaves.
 */
class ZxidTest {

    @RegisterExtension
    final CompatServer server = CompatServer.perTest(ServerSpec.defaults());

    @Test
    void writeRepliesCarryTheirOwnZxidAndReadRepliesTheLastOne() throws Exception {
        RawClient raw = server.raw();

        RawClient.Reply create = raw.call(RawClient.CREATE2, create("/a"));
        long czxid = statAfterPath(create).czxid();
        RawClient.Reply read = raw.call(RawClient.GET_DATA, read("/a"));
        RawClient.Reply ping = raw.ping();
        RawClient.Reply failedRead = raw.call(RawClient.GET_DATA, read("/missing"));

        assertThat(create.zxid()).isEqualTo(czxid);
        assertThat(read.zxid()).isEqualTo(czxid);
        assertThat(ping.zxid()).isEqualTo(czxid);
        assertThat(Code.get(failedRead.err())).isEqualTo(Code.NONODE);
        assertThat(failedRead.zxid()).isEqualTo(czxid);
    }

    @Test
    void aFailedWriteConsumesAZxid() throws Exception {
        RawClient raw = server.raw();

        RawClient.Reply first = raw.call(RawClient.CREATE, create("/a"));
        RawClient.Reply failed = raw.call(RawClient.CREATE, create("/a"));
        RawClient.Reply second = raw.call(RawClient.CREATE2, create("/b"));

        assertThat(Code.get(failed.err())).isEqualTo(Code.NODEEXISTS);
        assertThat(failed.zxid()).isEqualTo(first.zxid() + 1);
        assertThat(second.zxid()).isEqualTo(first.zxid() + 2);
        assertThat(statAfterPath(second).czxid()).isEqualTo(second.zxid());
    }

    @Test
    void aFailedMultiConsumesOneZxid() throws Exception {
        RawClient raw = server.raw();
        byte[] failing = new Jute.Writer()
                .writeInt(RawClient.CREATE).writeBoolean(false).writeInt(-1)
                .writeString("/m").writeBuffer(new byte[0]).writeOpenAcl().writeInt(0)
                .writeInt(RawClient.DELETE).writeBoolean(false).writeInt(-1)
                .writeString("/missing").writeInt(-1)
                .writeInt(-1).writeBoolean(true).writeInt(-1)
                .toByteArray();

        RawClient.Reply first = raw.call(RawClient.CREATE, create("/a"));
        RawClient.Reply multi = raw.call(RawClient.MULTI, failing);
        RawClient.Reply second = raw.call(RawClient.CREATE, create("/b"));

        assertThat(multi.zxid()).isEqualTo(first.zxid() + 1);
        assertThat(second.zxid()).isEqualTo(first.zxid() + 2);
    }

    @Test
    void sessionCreationAndCloseEachConsumeAZxid() throws Exception {
        RawClient raw = server.raw();
        RawClient.Reply before = raw.call(RawClient.CREATE, create("/a"));

        server.raw().closeSession();
        RawClient.Reply after = raw.call(RawClient.CREATE, create("/b"));

        assertThat(after.zxid()).isEqualTo(before.zxid() + 3);
    }

    private static Jute.RawStat statAfterPath(RawClient.Reply reply) throws java.io.IOException {
        Jute.Reader body = reply.reader();
        body.readString();
        return body.readStat();
    }

    private static byte[] create(String path) {
        return new Jute.Writer().writeString(path).writeBuffer(new byte[0]).writeOpenAcl().writeInt(0).toByteArray();
    }

    private static byte[] read(String path) {
        return new Jute.Writer().writeString(path).writeBoolean(false).toByteArray();
    }
}
