package dev.corral.compat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;

/**
 * A well-behaved client beside a fuzzer: with the official ZooKeeper client it creates, writes, reads,
 * lists and deletes its own znode under a root only it may change, in a loop, until stopped, timing every
 * request. Every error it meets is kept (it should meet none) and its worst latency is what the fuzzing
 * cost the clients that did nothing wrong.
 */
final class Bystander implements Runnable {
    private final ZooKeeper zk;
    private final String path;
    private final List<ACL> acl;
    private final long stopAtNs;
    private final AtomicLong worstLatencyNs = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Bystander(ZooKeeper zk, String path, List<ACL> acl, long stopAtNs) {
        this.zk = zk;
        this.path = path;
        this.acl = acl;
        this.stopAtNs = stopAtNs;
    }

    @Override
    public void run() {
        byte[] data = new byte[100];
        for (int round = 0; System.nanoTime() < stopAtNs && failures.isEmpty(); round++) {
            try {
                long start = System.nanoTime();
                zk.create(path, data, acl, CreateMode.PERSISTENT);
                timed(start);
                start = System.nanoTime();
                zk.setData(path, Integer.toString(round).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
                timed(start);
                start = System.nanoTime();
                zk.getData(path, true, null);
                timed(start);
                start = System.nanoTime();
                zk.getChildren(path, false);
                timed(start);
                start = System.nanoTime();
                zk.delete(path, 1);
                timed(start);
            } catch (Exception e) {
                failures.add("round " + round + ": " + e);
            }
        }
    }

    private void timed(long startNs) {
        worstLatencyNs.accumulateAndGet(System.nanoTime() - startNs, Math::max);
        requests.incrementAndGet();
    }

    long worstLatencyMs() {
        return worstLatencyNs.get() / 1_000_000;
    }

    long requests() {
        return requests.get();
    }
}
