package dev.corral.storage.zookeeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.SyncRequestProcessor;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * A ZooKeeper 3.9.5 data directory written by ZooKeeper itself: an in-process ZooKeeperServer with a
 * small snapCount, so that it snapshots while writes go on (fuzzy snapshots) and leaves logs after its
 * last snapshot, given znodes of every kind, ACLs of every scheme, deletes, updates, multis and a session
 * left open with an ephemeral. {@link #restore} loads a directory with ZooKeeper's own restore, the
 * reference the import is compared with.
 */
final class ZooKeeperDataDir {
    private ZooKeeperDataDir() {}

    /** ZooKeeper's state after its own restore of {@code dir}: every node by path, with its client Stat, ACL and data. */
    record ZkState(long lastZxid, Map<String, Node> nodes, Map<Long, Integer> sessions, long digest) {}

    record Node(byte[] data, List<ACL> acl, Stat stat) {}

    /** Writes a data directory into {@code dir} with {@code znodes} plain znodes besides the other kinds. */
    static void write(Path dir, int znodes, org.apache.zookeeper.server.persistence.SnapStream.StreamMode compression) throws Exception {
        write(dir, dir, znodes, compression, true);
    }

    /**
     * Writes snapshots into {@code dir} and logs into {@code logDir}; without {@code trailers}, ZooKeeper writes
     * neither its tree digests (snapshot trailer and per-txn, 3.6+) nor the last-zxid trailer (3.9), so the
     * files have the layout of ZooKeeper 3.5.
     */
    static void write(Path dir, Path logDir, int znodes, org.apache.zookeeper.server.persistence.SnapStream.StreamMode compression,
            boolean trailers) throws Exception {
        ZooKeeperServer.setDigestEnabled(trailers);
        ZooKeeperServer.setSerializeLastProcessedZxidEnabled(trailers);
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        // Tests need no durability; ZooKeeper reads this once, when FileTxnLog is loaded.
        System.setProperty("zookeeper.forceSync", "no");
        org.apache.zookeeper.server.persistence.SnapStream.setStreamMode(compression);
        SyncRequestProcessor.setSnapCount(40);
        // Logs still end in preallocated zeros, but 64 KiB of them instead of 64 MiB per file, which tests copy.
        org.apache.zookeeper.server.persistence.FileTxnLog.setPreallocSize(64 * 1024);
        // ZooKeeper 3.9.5 names these backwards: the constructor's first directory takes the logs (FileTxnSnapLog#dataDir).
        ZooKeeperServer server = new ZooKeeperServer(logDir.toFile(), dir.toFile(), 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(0, 100);
        ZooKeeper kept = null;
        try {
            factory.startup(server);
            String connect = "127.0.0.1:" + factory.getLocalPort();
            kept = connect(connect);
            ZooKeeper client = connect(connect);
            fill(client, kept, znodes);
            writeTail(client);
            client.close();
            // `kept` stays open: its session and ephemeral are in the files when the server stops.
        } finally {
            factory.shutdown();
            server.shutdown();
            if (kept != null) {
                // Only now, with the server gone: the session stays in the files, and the client stops retrying.
                kept.close(1);
            }
            SyncRequestProcessor.setSnapCount(100000);
            org.apache.zookeeper.server.persistence.FileTxnLog.setPreallocSize(64L * 1024 * 1024);
            ZooKeeperServer.setDigestEnabled(true);
            ZooKeeperServer.setSerializeLastProcessedZxidEnabled(true);
            org.apache.zookeeper.server.persistence.SnapStream.setStreamMode(
                    org.apache.zookeeper.server.persistence.SnapStream.StreamMode.CHECKED);
            System.clearProperty("zookeeper.extendedTypesEnabled");
        }
    }

    /**
     * Znodes of every kind through {@code client}, and through {@code kept} ephemerals that stay with its session:
     * {@code znodes} plain ones besides, with updates, deletes, a multi and a failed multi.
     */
    static void fill(ZooKeeper client, ZooKeeper kept, int znodes) throws Exception {
        List<ACL> digest = java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest("alice:secret"))));
        List<ACL> ip = java.util.Arrays.asList(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE, new Id("ip", "127.0.0.1")),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        client.create("/app", "root".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        client.create("/app/digest", new byte[] {1}, digest, CreateMode.PERSISTENT);
        client.create("/app/ip", null, ip, CreateMode.PERSISTENT);
        client.create("/app/read", new byte[0], ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        client.create("/app/container", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        client.create("/app/container/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        client.create("/app/ttl", new byte[] {7}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null, 3_600_000);
        client.create("/app/ttlseq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, null, 60_000);
        client.create("/app/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        kept.create("/app/kept", "alive".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        kept.create("/app/kept-seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        client.create("/app/gone", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        client.create("/bulk", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < znodes; i++) {
            String path = "/bulk/n" + (i % 10) + (i < 10 ? "" : "/c" + i);
            client.create(path, ("value " + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            if (i % 7 == 0) {
                client.setData(path, ("changed " + i).getBytes(StandardCharsets.UTF_8), -1);
            }
            if (i % 13 == 12 && i >= 10) {
                client.delete(path, -1);
            }
        }
        client.create("/app/acl", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        client.setACL("/app/acl", ip, -1);
        client.multi(java.util.Arrays.asList(Op.create("/app/multi", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData("/app", "multi".getBytes(StandardCharsets.UTF_8), -1), Op.delete("/app/seq-0000000006", -1)));
        try {
            client.multi(java.util.Arrays.asList(Op.create("/app/never", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.delete("/app/missing", -1)));
        } catch (org.apache.zookeeper.KeeperException expected) {
            // A failed multi is logged as an error txn, which the import must replay as a no-op.
        }
    }

    /** Txns a snapshot cannot hold: the directory then always ends in logged txns that the import must replay. */
    static final int TAIL_TXNS = 3;

    /**
     * Stops further snapshots, waits for one still being written, then writes {@link #TAIL_TXNS} txns. Without
     * this, a snapshot that started after the last write held every txn, and the import replayed none (CI, once).
     */
    private static void writeTail(ZooKeeper client) throws Exception {
        // SyncRequestProcessor compares its txn count with this static on every txn: no snapshot starts after it.
        SyncRequestProcessor.setSnapCount(1_000_000);
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("Snapshot Thread")) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                if (thread.isAlive()) {
                    throw new IOException("ZooKeeper's snapshot thread still runs after 60 s");
                }
            }
        }
        client.create("/app/tail", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 1; i < TAIL_TXNS; i++) {
            client.setData("/app/tail", ("tail " + i).getBytes(StandardCharsets.UTF_8), -1);
        }
    }

    static ZooKeeper connect(String connect) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(connect, 30_000, event -> {
            if (event.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(20, TimeUnit.SECONDS)) {
            throw new IOException("no connection to the in-process ZooKeeper at " + connect);
        }
        return client;
    }

    /** ZooKeeper 3.9.5's own restore of {@code dir}. */
    static ZkState restore(Path dir) throws Exception {
        return restore(dir, dir);
    }

    /** ZooKeeper 3.9.5's own restore of snapshots in {@code dir} and logs in {@code logDir}. */
    static ZkState restore(Path dir, Path logDir) throws Exception {
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        try {
            FileTxnSnapLog files = new FileTxnSnapLog(logDir.toFile(), dir.toFile());
            DataTree tree = new DataTree();
            Map<Long, Integer> sessions = new ConcurrentHashMap<>();
            long zxid = files.restore(tree, sessions, (header, txn, digest) -> { });
            files.close();
            Map<String, Node> nodes = new HashMap<>();
            collect(tree, "/", nodes);
            return new ZkState(zxid, nodes, new HashMap<>(sessions), tree.getTreeDigest());
        } finally {
            System.clearProperty("zookeeper.extendedTypesEnabled");
        }
    }

    private static void collect(DataTree tree, String path, Map<String, Node> into) throws Exception {
        DataNode node = tree.getNode(path);
        Stat stat = new Stat();
        List<ACL> acl = tree.getACL(path, stat);
        into.put(path, new Node(node.getData(), new ArrayList<>(acl), stat));
        for (String child : tree.getChildren(path, null, null)) {
            collect(tree, path.equals("/") ? "/" + child : path + "/" + child, into);
        }
    }
}
