package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.client.ClientOptions;
import dev.corral.client.CorralClient;
import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Poll;
import dev.corral.testkit.ServerProbe;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 3: with {@code -Dreadonlymode.enabled=true}, a member cut off from its quorum (here: the
 * other two killed) serves read-only clients, as ZooKeeper's ReadOnlyZooKeeperServer does: {@code isro} says
 * "ro" and {@code srvr} "Mode: read-only"; the official client built with {@code canBeReadOnly} connects in
 * state ConnectedReadOnly and reads what the quorum committed; every change and sync is refused NOTREADONLY; a
 * client that is not read-only does not connect; kazoo with read_only=True, the C client with ZOO_READONLY and
 * Corral's client with {@code ClientOptions.canBeReadOnly} connect read-only, read and are refused a write (Corral's
 * client without it does not connect); once the others are back, the member rejoins and the official client and
 * Corral's are served read-write again. ZooKeeper grants sessions to read-only clients only with
 * {@code localSessionsEnabled=true} (without it, none ever connects), so both targets get it.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5.
 */
class EnsembleReadOnlyTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration READ_ONLY_BOUND = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int CONNECT_BOUND_MS = 15_000;
    /** How long a client that is not read-only is given to connect to a read-only server (it must not). */
    private static final int REFUSED_WAIT_MS = 3_000;
    private static final int SURVIVOR = 1;

    @Test
    void aMemberWithoutItsQuorumServesReadOnlyClientsUntilItRejoins() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("readonly", spec -> {
                    List<String> options = new ArrayList<>(spec.jvmOptions());
                    options.add("-Dreadonlymode.enabled=true");
                    return spec.withConfig("localSessionsEnabled", "true").withJvmOptions(options);
                });
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(SURVIVOR).clientPort())) {
            ensemble.awaitLeader(ELECTION_BOUND);
            int port = ensemble.member(SURVIVOR).clientPort();
            String survivor = ensemble.member(SURVIVOR).connectString();
            ZooKeeper writer = clients.zk(survivor, SESSION_TIMEOUT_MS, event -> { });
            writer.create("/ro", bytes("committed"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(ServerProbe.fourLetterWord(port, "isro")).isEqualTo("rw");
            writer.close();

            ensemble.kill(2);
            ensemble.kill(3);
            boolean readOnly = Poll.until(READ_ONLY_BOUND, POLL_INTERVAL, () -> isro(port).equals("ro"));
            assertThat(readOnly).as("isro of the survivor within %s; last answer %s", READ_ONLY_BOUND, isro(port)).isTrue();
            assertThat(ServerProbe.fourLetterWord(port, "srvr")).contains("Mode: read-only\n");

            StateLog readOnlyStates = new StateLog();
            ZooKeeper reader = clients.track(new ZooKeeper(survivor, SESSION_TIMEOUT_MS, readOnlyStates::add, true));
            readOnlyStates.await(KeeperState.ConnectedReadOnly, "the read-only client");
            assertThat(reader.getData("/ro", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("committed");
            assertThat(reader.exists("/ro", true)).isNotNull();
            assertThatThrownBy(() -> reader.setData("/ro", bytes("changed"), -1)).isInstanceOf(KeeperException.NotReadOnlyException.class);
            assertThatThrownBy(() -> reader.create("/new", bytes(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL))
                    .isInstanceOf(KeeperException.NotReadOnlyException.class);
            assertThatThrownBy(() -> reader.delete("/ro", -1)).isInstanceOf(KeeperException.NotReadOnlyException.class);
            assertThat(syncCode(reader)).as("sync on a read-only server").isEqualTo(KeeperException.Code.NOTREADONLY);

            // kazoo sets the ConnectRequest's read-only flag its own way.
            assertThat(kazooReadOnly(survivor)).containsExactly("ok connected-read-only", "ok reads-what-the-quorum-committed",
                    "ok a-write-is-not-read-only");

            // So does the C client (zookeeper_init with ZOO_READONLY).
            assertThat(cReadOnly(survivor)).containsExactly("ok connected-read-only", "ok reads-what-the-quorum-committed",
                    "ok a-write-is-not-read-only");

            // And Corral's own client, with ClientOptions.canBeReadOnly; without it, the server refuses it.
            ClientEvents corralStates = new ClientEvents();
            CorralClient corral = clients.track(CorralClient.connect(survivor, SESSION_TIMEOUT_MS, corralStates,
                    ClientOptions.defaults().withCanBeReadOnly(true)));
            corralStates.awaitState(dev.corral.client.KeeperState.CONNECTED_READ_ONLY);
            assertThat(corral.isReadOnly()).isTrue();
            assertThat(corral.isConnected()).isTrue();
            assertThat(corral.getData("/ro", false).data()).asString(StandardCharsets.UTF_8).isEqualTo("committed");
            CorralClientTest.assertCode(() -> corral.setData("/ro", bytes("changed"), -1), ErrorCode.NOTREADONLY, "/ro");
            CorralClientTest.assertCode(() -> corral.create("/new", null, Acl.OPEN_ACL_UNSAFE, dev.corral.client.CreateMode.EPHEMERAL),
                    ErrorCode.NOTREADONLY, "/new");
            CorralClientTest.assertCode(() -> corral.sync("/ro"), ErrorCode.NOTREADONLY, "/ro");
            assertThatThrownBy(() -> clients.track(CorralClient.connect(survivor, SESSION_TIMEOUT_MS, new ClientEvents())))
                    .as("Corral's client without canBeReadOnly").isInstanceOf(IOException.class);

            StateLog readWriteStates = new StateLog();
            clients.track(new ZooKeeper(survivor, SESSION_TIMEOUT_MS, readWriteStates::add, false));
            assertThat(readWriteStates.poll(REFUSED_WAIT_MS)).as("a client that is not read-only connects to a read-only server")
                    .doesNotContain(KeeperState.SyncConnected, KeeperState.ConnectedReadOnly);

            ensemble.restart(2);
            ensemble.restart(3);
            ensemble.awaitLeader(ELECTION_BOUND);
            assertThat(isro(port)).isEqualTo("rw");
            readOnlyStates.await(KeeperState.SyncConnected, "the read-only client, read-write again");
            reader.setData("/ro", bytes("changed"), -1);
            assertThat(reader.getData("/ro", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("changed");
            // Corral's client had seen no read-write server: it asks for a new session, which the member grants.
            corralStates.awaitState(dev.corral.client.KeeperState.SYNC_CONNECTED);
            assertThat(corral.isReadOnly()).isFalse();
            corral.setData("/ro", bytes("again"), -1);
            assertThat(corral.getData("/ro", false).data()).asString(StandardCharsets.UTF_8).isEqualTo("again");
            System.out.printf("EnsembleReadOnlyTest %s: the survivor served read-only, then read-write; client states %s%n",
                    CompatRun.target(), readOnlyStates.seen);
        }
    }

    /** The check lines kazoo_read_only.py prints against {@code server}, within a bound. */
    private static List<String> kazooReadOnly(String server) throws Exception {
        java.nio.file.Path script = java.nio.file.Path.of("src/test/python/kazoo_read_only.py").toAbsolutePath();
        return checkLines("kazoo_read_only.py", new ProcessBuilder(Toolchain.pythonWithKazoo(), "-u", script.toString(), server));
    }

    /** The check lines zk_read_only.c, built against the C client, prints against {@code server}, within a bound. */
    private static List<String> cReadOnly(String server) throws Exception {
        java.nio.file.Path program = CClientTest.build(java.nio.file.Path.of("src/test/c/zk_read_only.c"),
                java.nio.file.Path.of("target/c/zk_read_only"));
        return checkLines("zk_read_only", new ProcessBuilder(program.toString(), server));
    }

    /** Runs a client program that prints "ok NAME" or "fail NAME DETAIL" lines, and returns those lines. */
    private static List<String> checkLines(String name, ProcessBuilder builder) throws Exception {
        java.nio.file.Path output = java.nio.file.Files.createTempFile("read-only-client-", ".out");
        Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(process.waitFor(CONNECT_BOUND_MS * 3L, TimeUnit.MILLISECONDS)).as("%s ends", name).isTrue();
            String printed = java.nio.file.Files.readString(output);
            List<String> checks = printed.lines().filter(line -> line.startsWith("ok ") || line.startsWith("fail ")).toList();
            return checks.isEmpty() ? List.of("no check ran: " + printed) : checks;
        } finally {
            process.destroyForcibly();
            java.nio.file.Files.deleteIfExists(output);
        }
    }

    private static String isro(int port) {
        try {
            return ServerProbe.fourLetterWord(port, "isro");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeeperException.Code syncCode(ZooKeeper zk) throws Exception {
        CompletableFuture<Integer> rc = new CompletableFuture<>();
        zk.sync("/ro", (code, path, context) -> rc.complete(code), null);
        return KeeperException.Code.get(rc.get(CONNECT_BOUND_MS, TimeUnit.MILLISECONDS));
    }

    /** The connection states a client's default watcher saw, in order. */
    private static final class StateLog {
        final List<KeeperState> seen = new ArrayList<>();
        private final BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();

        void add(org.apache.zookeeper.WatchedEvent event) {
            if (event.getType() == org.apache.zookeeper.Watcher.Event.EventType.None) {
                states.add(event.getState());
            }
        }

        void await(KeeperState state, String who) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_BOUND_MS);
            for (long left = CONNECT_BOUND_MS; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                KeeperState next = states.poll(left, TimeUnit.MILLISECONDS);
                if (next == null) {
                    break;
                }
                seen.add(next);
                if (next == state) {
                    return;
                }
            }
            throw new AssertionError(who + " did not reach " + state + " within " + CONNECT_BOUND_MS + " ms; states " + seen);
        }

        List<KeeperState> poll(int waitMs) throws InterruptedException {
            List<KeeperState> polled = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            for (long left = waitMs; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                KeeperState next = states.poll(left, TimeUnit.MILLISECONDS);
                if (next != null) {
                    polled.add(next);
                }
            }
            return polled;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
