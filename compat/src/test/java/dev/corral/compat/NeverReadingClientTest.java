package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ServerProcess;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * A client that asks for a 1 MB znode a hundred times a second and never reads a reply (finding 3 of
 * issue 9): the server must not queue the replies without bound. While it goes on, a bystander session's
 * reads stay fast and the server's resident memory stays within a bound; afterwards the server is healthy.
 */
class NeverReadingClientTest {
    private static final int DATA_BYTES = 1_000_000;
    private static final int REQUESTS_PER_SECOND = 100;
    private static final Duration DURATION = Duration.ofSeconds(15);
    private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int BYSTANDER_READS_MAX = 2_000;
    // Corral's queue bound is 4 MiB to stop reading and 64 MiB to close; the heap is capped at 256 MiB,
    // so without a bound the growth is stopped only by the heap (and the server is then in GC or out of memory).
    private static final long RSS_GROWTH_MAX = 200L << 20;
    private static final Duration BYSTANDER_LATENCY_MAX = Duration.ofSeconds(1);

    @Test
    void repliesQueuedForAClientThatNeverReadsAreBoundedWhileABystanderIsServed() throws Exception {
        try (ServerProcess process = ServerSpec.defaults().start("never-reading");
                Clients clients = new Clients(process.connectString(), process.port())) {
            hammer(process, clients);
        }
    }

    private static void hammer(ServerProcess process, Clients clients) throws Exception {
        ZooKeeper bystander = clients.zk();
        bystander.create("/big", new byte[DATA_BYTES], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        bystander.create("/small", "s".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        long rssBefore = process.residentBytes();

        AtomicLong sent = new AtomicLong();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (Socket hostile = new Socket()) {
            hostile.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), process.port()), 5_000);
            DataOutputStream out = new DataOutputStream(hostile.getOutputStream());
            writeConnectRequest(out);
            // One getData every 10 ms; a write blocks once the server stops reading and the socket buffers are full.
            writer.scheduleAtFixedRate(() -> {
                try {
                    writeGetData(out, (int) sent.incrementAndGet());
                } catch (IOException closed) {
                    throw new IllegalStateException(closed);
                }
            }, 0, 1_000_000 / REQUESTS_PER_SECOND, TimeUnit.MICROSECONDS);

            long worstNanos = 0;
            long rssMax = rssBefore;
            int reads = 0;
            long deadline = System.nanoTime() + DURATION.toNanos();
            while (System.nanoTime() < deadline && reads < BYSTANDER_READS_MAX) {
                long start = System.nanoTime();
                assertThat(bystander.getData("/small", false, null)).hasSize(1);
                worstNanos = Math.max(worstNanos, System.nanoTime() - start);
                rssMax = Math.max(rssMax, process.residentBytes());
                reads++;
                LockSupport.parkNanos(PACE_NANOS);
            }
            System.out.printf("%s: %d getData of 1 MB sent unread; bystander %d reads, worst %d ms; RSS %d MiB before, %d MiB at most%n",
                    CompatRun.target(), sent.get(), reads, worstNanos / 1_000_000, rssBefore >> 20, rssMax >> 20);
            assertThat(Duration.ofNanos(worstNanos)).as("the bystander's slowest read").isLessThan(BYSTANDER_LATENCY_MAX);
            assertThat(rssMax - rssBefore).as("growth of the server's resident memory (%d MiB before)", rssBefore >> 20)
                    .isLessThan(RSS_GROWTH_MAX);
        } finally {
            writer.shutdownNow();
            writer.awaitTermination(10, TimeUnit.SECONDS);
        }
        // Once the hostile connection is gone, the server serves new sessions as before.
        assertThat(clients.zk().getData("/small", false, null)).hasSize(1);
    }

    /** ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly. */
    private static void writeConnectRequest(DataOutputStream out) throws IOException {
        byte[] body = new Jute.Writer().writeInt(0).writeLong(0).writeInt(30_000).writeLong(0).writeBuffer(new byte[16])
                .writeBoolean(false).toByteArray();
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    /** getData: xid, opcode 4, path, watch=false. */
    private static void writeGetData(DataOutputStream out, int xid) throws IOException {
        byte[] body = new Jute.Writer().writeInt(xid).writeInt(RawClient.GET_DATA).writeString("/big").writeBoolean(false).toByteArray();
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }
}
