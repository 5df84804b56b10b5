package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.testkit.Launch;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.Target;
import dev.corral.testkit.ZooCfg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration runbook end to end, with real processes: Apache ZooKeeper 3.9.5 is given znodes of every
 * kind (persistent, sequential, ephemeral, container, TTL; world, digest and ip ACLs; a few thousand
 * written asynchronously with a small snapCount, so that gz-compressed snapshots are taken under load and
 * logs follow them) while one client keeps its session open with an ephemeral and a watch; ZooKeeper is
 * killed with SIGKILL; {@code corral import-zookeeper} runs on its dataDir with the same zoo.cfg; Corral
 * starts on the same port. The whole tree (data, every Stat field, ACLs) read through a client equals
 * ZooKeeper's, and the client whose session ZooKeeper created resumes it on Corral, keeps its ephemeral
 * and gets its watch event. Then the way back: {@code corral export-zookeeper}, ZooKeeper 3.9.5 started on
 * the export, the same tree, and the same client resumes its session there too.
 */
class ZooKeeperMigrationTest {
    private static final int TICK_MS = 2000;
    private static final int SESSION_TIMEOUT_MS = 30_000;
    private static final int BULK = 2000;
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String ALICE = "alice:secret";

    @TempDir
    Path temp;

    @Test
    void zooKeeperDataAndLiveSessionMoveToCorralAndBack() throws Exception {
        assumeTrue(CompatRun.target() == Target.CORRAL, "runs both servers itself, once");
        Path data = temp.resolve("data");
        Files.createDirectories(data);
        int port = dev.corral.testkit.Ports.freeLoopbackPort();
        ZooCfg config = ZooCfg.standalone(TICK_MS, data, port).put("snapCount", "500");
        List<String> jvm = List.of("-Xmx256m", "-Dzookeeper.extendedTypesEnabled=true", "-Dzookeeper.snapshot.compression.method=gz");

        ServerProcess zooKeeper = start(Target.ZOOKEEPER, temp.resolve("zk-home"), config, jvm);
        LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        ZooKeeper kept = connect(port, events::add);
        Map<String, Node> before;
        try {
            fill(kept, port);
            assertThat(kept.exists("/app/watched", true)).isNull();
            before = walk(kept);
        } finally {
            zooKeeper.kill();
            zooKeeper.close();
        }
        assertThat(before).hasSizeGreaterThan(BULK);
        long sessionId = kept.getSessionId();
        Path versionDir = data.resolve("version-2");
        assertThat(list(versionDir)).anyMatch(name -> name.startsWith("snapshot.") && name.endsWith(".gz")).anyMatch(name -> name.startsWith("log."));
        Map<String, String> zooKeeperFiles = hashes(versionDir);

        Path zooCfg = config.write(temp.resolve("zoo.cfg"));
        Tool imported = corral("import-zookeeper", "--from", data.toString(), "--config", zooCfg.toString());
        assertThat(imported.exit()).as(imported.output()).isZero();
        assertThat(imported.output()).contains("sessions: 1").contains("last zxid: 0x").contains("time: ");
        assertThat(hashes(versionDir)).as("ZooKeeper's files are unchanged").isEqualTo(zooKeeperFiles);

        ServerProcess corral = start(Target.CORRAL, temp.resolve("corral-home"), config, jvm);
        Map<String, Node> onCorral;
        try {
            awaitConnected(kept);
            assertThat(kept.getSessionId()).isEqualTo(sessionId);
            ZooKeeper other = connect(port, event -> { });
            try {
                other.addAuthInfo("digest", ALICE.getBytes(StandardCharsets.UTF_8));
                assertThat(walk(other)).as("the tree on Corral").isEqualTo(before);
                other.create("/app/watched", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(nextEvent(events, Watcher.Event.EventType.NodeCreated).getPath()).isEqualTo("/app/watched");
                assertThat(other.exists("/app/watched", false).getCzxid() >>> 32).as("Corral's zxids are in a later epoch")
                        .isGreaterThan(before.get("/app").stat().getCzxid() >>> 32);
                onCorral = walk(other);
            } finally {
                other.close();
            }
        } finally {
            corral.stop();
            corral.close();
        }

        Path back = temp.resolve("back");
        Tool exported = corral("export-zookeeper", "--config", zooCfg.toString(), "--to", back.toString());
        assertThat(exported.exit()).as(exported.output()).isZero();
        ZooCfg backConfig = ZooCfg.standalone(TICK_MS, back, port);
        ServerProcess again = start(Target.ZOOKEEPER, temp.resolve("zk-back-home"), backConfig, jvm);
        try {
            awaitConnected(kept);
            assertThat(kept.getSessionId()).isEqualTo(sessionId);
            assertThat(walk(kept)).as("the tree on ZooKeeper, loaded from the export").isEqualTo(onCorral);
            assertThat(kept.exists("/app/kept", false).getEphemeralOwner()).isEqualTo(sessionId);
        } finally {
            kept.close();
            again.stop();
            again.close();
        }
    }

    /** Znodes of every kind, ACLs of every scheme, and {@value #BULK} more written asynchronously by a second session. */
    private static void fill(ZooKeeper kept, int port) throws Exception {
        kept.addAuthInfo("digest", ALICE.getBytes(StandardCharsets.UTF_8));
        List<ACL> digest = Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("digest", ServerSpec.digest(ALICE))));
        List<ACL> ip = Arrays.asList(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE, new Id("ip", "127.0.0.1")),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        kept.create("/app", bytes("app"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        kept.create("/app/digest", bytes("d"), digest, CreateMode.PERSISTENT);
        kept.create("/app/ip", bytes("i"), ip, CreateMode.PERSISTENT);
        kept.create("/app/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        kept.create("/app/box", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        kept.create("/app/box/item", null, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        kept.create("/app/ttl", bytes("t"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null, 3_600_000);
        kept.create("/app/kept", bytes("mine"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        kept.create("/app/kept-seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        ZooKeeper writer = connect(port, event -> { });
        try {
            writer.create("/app/writer-gone", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            writer.create("/bulk", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int d = 0; d < 10; d++) {
                writer.create("/bulk/d" + d, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            CountDownLatch done = new CountDownLatch(BULK);
            AtomicInteger failures = new AtomicInteger();
            for (int i = 0; i < BULK; i++) {
                writer.create("/bulk/d" + (i % 10) + "/n" + i, bytes("value " + i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, context, name) -> {
                            if (rc != 0) {
                                failures.incrementAndGet();
                            }
                            done.countDown();
                        }, null);
                if (i % 5 == 0) {
                    writer.setData("/bulk/d" + (i % 10), bytes("last " + i), -1, (rc, path, context, stat) -> { }, null);
                }
            }
            assertThat(done.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("bulk creates answered").isTrue();
            assertThat(failures.get()).isZero();
            writer.setACL("/bulk/d3", ip, -1);
            writer.delete("/bulk/d4/n4", -1);
        } finally {
            writer.close();
        }
    }

    /** One znode as a client reads it. */
    record Node(String data, Stat stat, List<ACL> acl) {}

    /**
     * Every znode with its data, Stat and ACL, read level by level with asynchronous calls (a few thousand
     * synchronous round trips per walk would dominate the test's time).
     */
    private static Map<String, Node> walk(ZooKeeper client) throws Exception {
        Map<String, Node> nodes = new java.util.concurrent.ConcurrentSkipListMap<>();
        List<String> level = List.of("/");
        while (!level.isEmpty()) {
            List<String> next = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(level.size() * 3);
            AtomicInteger failures = new AtomicInteger();
            Map<String, byte[]> data = new java.util.concurrent.ConcurrentHashMap<>();
            Map<String, Stat> stats = new java.util.concurrent.ConcurrentHashMap<>();
            Map<String, List<ACL>> acls = new java.util.concurrent.ConcurrentHashMap<>();
            for (String path : level) {
                client.getData(path, false, (rc, p, context, bytes, stat) -> {
                    if (rc == 0) {
                        data.put(p, bytes == null ? new byte[] {-1} : bytes);
                        stats.put(p, stat);
                    } else {
                        failures.incrementAndGet();
                    }
                    done.countDown();
                }, null);
                client.getACL(path, new Stat(), (rc, p, context, acl, stat) -> {
                    if (rc == 0) {
                        acls.put(p, acl);
                    } else {
                        failures.incrementAndGet();
                    }
                    done.countDown();
                }, null);
                client.getChildren(path, false, (rc, p, context, children) -> {
                    if (rc == 0) {
                        children.forEach(child -> next.add(p.equals("/") ? "/" + child : p + "/" + child));
                    } else {
                        failures.incrementAndGet();
                    }
                    done.countDown();
                }, null);
            }
            assertThat(done.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("reads answered").isTrue();
            assertThat(failures.get()).as("failed reads").isZero();
            for (String path : level) {
                byte[] bytes = data.get(path);
                String text = bytes.length == 1 && bytes[0] == -1 ? null : new String(bytes, StandardCharsets.ISO_8859_1);
                nodes.put(path, new Node(text, stats.get(path), acls.get(path)));
            }
            level = List.copyOf(next);
        }
        return new TreeMap<>(nodes);
    }

    private static ServerProcess start(Target target, Path home, ZooCfg config, List<String> jvm) throws IOException, InterruptedException {
        Launch launch = Launch.of(target, CompatRun.runtime(), home, config, target.id() + "-migration-" + home.getFileName()).withJvmOptions(jvm)
                .withLogsDirectory(CompatRun.logsDirectory()).withStartupBound(BOUND);
        ServerProcess server = ServerProcess.launch(launch);
        server.awaitServing();
        return server;
    }

    record Tool(int exit, String output) {}

    /** Runs {@code corral <args>} as bin/corral does: a JVM on Corral's runtime classpath. */
    private Tool corral(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(dev.corral.testkit.ServerRuntime.currentJava().toString(), "-cp",
                CompatRun.runtime().corralClasspath(), "dev.corral.cli.Corral"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(temp, "tool", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("corral " + String.join(" ", args) + " did not finish within " + BOUND);
        }
        return new Tool(process.exitValue(), Files.readString(output));
    }

    private static ZooKeeper connect(int port, Watcher watcher) throws Exception {
        ZooKeeper client = new ZooKeeper("127.0.0.1:" + port, SESSION_TIMEOUT_MS, watcher);
        awaitConnected(client);
        return client;
    }

    private static void awaitConnected(ZooKeeper client) {
        Awaitility.await("the client is connected").atMost(BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> client.getState().isConnected());
    }

    private static WatchedEvent nextEvent(LinkedBlockingQueue<WatchedEvent> events, Watcher.Event.EventType type) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            WatchedEvent event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && event.getType() == type) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " event within " + BOUND);
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    /** SHA-256 of every file in {@code dir}, by name. */
    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> hashes = new HashMap<>();
        for (String name : list(dir)) {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(name)));
            hashes.put(name, java.util.HexFormat.of().formatHex(hash));
        }
        return hashes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
