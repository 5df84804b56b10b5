package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * A server killed with SIGKILL in the middle of a concurrent write load from several official clients,
 * restarted on the same data directory, three times over. After each restart:
 * <ul>
 *   <li>every create a client saw acknowledged is there with its data;
 *   <li>every multi (two creates and a counter update) is there whole or not at all, the acknowledged ones
 *       whole, and each client's counter names a multi that is there;
 *   <li>a new write gets a zxid above every zxid a client saw before the crash;
 *   <li>an ephemeral of a session that died with the server goes once its timeout has passed, while a
 *       session whose client reconnects in time keeps its ephemeral.
 * </ul>
 * Snapshots are due every few hundred txns, so recovery reads a snapshot and replays the log after it.
 * SIGKILL keeps what the process handed to the kernel, so this proves a reply never comes before the
 * write reaches the log file and that recovery restores exactly that log; it cannot show a lost fsync.
 * Runs against either target ({@code -Dcompat.target}); the checks are what both must do.
 */
class CrashRecoveryTest {
    private static final int ROUNDS = 3;
    private static final int CLIENTS = 4;
    private static final int WINDOW = 16;
    private static final long LOAD_MS = 1_500;
    private static final int TICK_MS = 500;
    private static final int LOAD_SESSION_MS = 10_000;
    private static final int DOOMED_SESSION_MS = 2_000;
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final byte[] NO_DATA = new byte[0];

    /** What one client was told: acknowledged creates with their data, and multis issued and acknowledged. */
    private static final class Ledger {
        final Map<String, String> ackedCreates = new ConcurrentHashMap<>();
        final Set<Long> issuedMultis = ConcurrentHashMap.newKeySet();
        final Set<Long> ackedMultis = ConcurrentHashMap.newKeySet();
        final AtomicLong maxZxidSeen = new AtomicLong();
        final AtomicLong errorsOtherThanConnectionLoss = new AtomicLong();
        final AtomicLong sequence = new AtomicLong();

        void sawZxid(long zxid) {
            maxZxidSeen.accumulateAndGet(zxid, Math::max);
        }
    }

    @Test
    void acknowledgedWritesSurviveKillsAndMultisStayWholeAndZxidsGrowAndDeadSessionsExpire() throws Exception {
        ServerSpec spec = new ServerSpec(TICK_MS, false, Map.of(), Map.of("zookeeper.snapCount", "300"));
        try (ServerProcess server = spec.start("crash");
                Clients clients = new Clients(server.connectString(), server.port());
                TcpProxy doomedPath = TcpProxy.start(server.port())) {
            ZooKeeper checker = clients.zk(server.connectString(), LOAD_SESSION_MS, event -> { });
            checker.create("/crash", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<ZooKeeper> loaders = new ArrayList<>();
            List<Ledger> ledgers = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                loaders.add(clients.zk(server.connectString(), LOAD_SESSION_MS, event -> { }));
                ledgers.add(new Ledger());
                checker.create(counter(c), "-1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            }
            ZooKeeper survivor = clients.zk(server.connectString(), LOAD_SESSION_MS, event -> { });
            survivor.create("/crash/eph-survivor", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            // This one reaches the server through a proxy that is cut at the crash, so it never comes back.
            ZooKeeper doomed = clients.zk(doomedPath.connectString(), DOOMED_SESSION_MS, event -> { });
            doomed.create("/crash/eph-doomed", NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

            for (int round = 1; round <= ROUNDS; round++) {
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> drivers = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    Thread driver = new Thread(() -> drive(loaders.get(client), client, ledgers.get(client), stop),
                            "crash-load-" + c);
                    driver.start();
                    drivers.add(driver);
                }
                Thread.sleep(LOAD_MS);
                server.kill();
                if (round == 1) {
                    doomedPath.cut();
                }
                stop.set(true);
                for (Thread driver : drivers) {
                    driver.join(BOUND.toMillis());
                    assertThat(driver.isAlive()).as("load driver ended").isFalse();
                }
                long maxZxidBeforeCrash = ledgers.stream().mapToLong(l -> l.maxZxidSeen.get()).max().orElse(0);
                assertThat(ledgers).as("round %d: every client had writes acknowledged", round)
                        .allSatisfy(l -> assertThat(l.ackedCreates).isNotEmpty());

                long started = System.nanoTime();
                server.restart();
                awaitConnected(checker);
                System.out.printf("%s round %d: %d creates and %d of %d multis acknowledged before the kill,"
                        + " serving again after %d ms%n", CompatRun.target(), round,
                        ledgers.stream().mapToInt(l -> l.ackedCreates.size()).sum(),
                        ledgers.stream().mapToInt(l -> l.ackedMultis.size()).sum(),
                        ledgers.stream().mapToInt(l -> l.issuedMultis.size()).sum(),
                        (System.nanoTime() - started) / 1_000_000);
                checkWrites(checker, ledgers, round);
                Stat after = checker.setData("/crash", ("round " + round).getBytes(StandardCharsets.UTF_8), -1);
                assertThat(after.getMzxid()).as("round %d: zxid of the first write after the restart", round)
                        .isGreaterThan(maxZxidBeforeCrash);
                assertThat(ledgers).allSatisfy(l -> assertThat(l.errorsOtherThanConnectionLoss).hasValue(0));
                for (ZooKeeper loader : loaders) {
                    awaitConnected(loader);
                }
                if (round == 1) {
                    // The dead session's timeout runs from the restart; the living one's client is back.
                    await("the dead session's ephemeral goes").atMost(BOUND)
                            .until(() -> checker.exists("/crash/eph-doomed", false) == null);
                    assertThat(checker.exists("/crash/eph-survivor", false)).as("the reconnected session's ephemeral")
                            .isNotNull();
                    assertThat(survivor.exists("/crash/eph-survivor", false).getEphemeralOwner())
                            .isEqualTo(survivor.getSessionId());
                }
            }
        }
    }

    /** Issues creates and multis with at most {@link #WINDOW} in flight until told to stop, then waits for them. */
    private static void drive(ZooKeeper zk, int client, Ledger ledger, AtomicBoolean stop) {
        Semaphore window = new Semaphore(WINDOW);
        try {
            while (!stop.get()) {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long seq = ledger.sequence.getAndIncrement();
                if (seq % 5 == 4) {
                    multi(zk, client, seq, ledger, window);
                } else {
                    create(zk, client, seq, ledger, window);
                }
            }
            window.tryAcquire(WINDOW, BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void create(ZooKeeper zk, int client, long seq, Ledger ledger, Semaphore window) {
        String path = "/crash/c-" + client + "-" + seq;
        String data = "data " + seq;
        AsyncCallback.Create2Callback done = (rc, p, ctx, name, stat) -> {
            if (rc == Code.OK.intValue()) {
                ledger.ackedCreates.put(path, data);
                ledger.sawZxid(stat.getCzxid());
            } else {
                noteError(ledger, rc);
            }
            window.release();
        };
        zk.create(path, data.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, done,
                null);
    }

    private static void multi(ZooKeeper zk, int client, long seq, Ledger ledger, Semaphore window) {
        ledger.issuedMultis.add(seq);
        List<Op> ops = List.of(
                Op.create(multiPath("a", client, seq), NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create(multiPath("b", client, seq), NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData(counter(client), Long.toString(seq).getBytes(StandardCharsets.UTF_8), -1));
        AsyncCallback.MultiCallback done = (rc, p, ctx, results) -> {
            if (rc == Code.OK.intValue()) {
                ledger.ackedMultis.add(seq);
                ledger.sawZxid(((OpResult.SetDataResult) results.get(2)).getStat().getMzxid());
            } else {
                noteError(ledger, rc);
            }
            window.release();
        };
        zk.multi(ops, done, null);
    }

    private static void noteError(Ledger ledger, int rc) {
        // Requests in flight when the server dies fail with ConnectionLoss (their outcome is unknown);
        // while the client is disconnected, new ones fail so too. Anything else is a bug.
        if (rc != Code.CONNECTIONLOSS.intValue()) {
            ledger.errorsOtherThanConnectionLoss.incrementAndGet();
        }
    }

    private static void checkWrites(ZooKeeper checker, List<Ledger> ledgers, int round) throws Exception {
        Set<String> present = new HashSet<>();
        for (String name : checker.getChildren("/crash", false)) {
            present.add("/crash/" + name);
        }
        // Problems are collected and asserted once: tens of thousands of AssertJ checks against a set of
        // tens of thousands of paths would take minutes (AssertJ's contains walks the set).
        List<String> problems = new ArrayList<>();
        for (int c = 0; c < ledgers.size(); c++) {
            Ledger ledger = ledgers.get(c);
            for (String path : ledger.ackedCreates.keySet()) {
                if (!present.contains(path)) {
                    problems.add("acknowledged create " + path + " is missing");
                }
            }
            for (long seq : ledger.issuedMultis) {
                boolean a = present.contains(multiPath("a", c, seq));
                boolean b = present.contains(multiPath("b", c, seq));
                if (a != b) {
                    problems.add("multi " + seq + " of client " + c + " is half there: a " + a + ", b " + b);
                } else if (!a && ledger.ackedMultis.contains(seq)) {
                    problems.add("acknowledged multi " + seq + " of client " + c + " is missing");
                }
            }
            long counterValue = Long.parseLong(new String(checker.getData(counter(c), false, null), StandardCharsets.UTF_8));
            long maxAcked = ledger.ackedMultis.stream().mapToLong(Long::longValue).max().orElse(-1);
            if (counterValue < maxAcked) {
                problems.add("client " + c + "'s counter is " + counterValue + ", below acknowledged multi " + maxAcked);
            }
            if (counterValue >= 0 && !present.contains(multiPath("a", c, counterValue))) {
                problems.add("client " + c + "'s counter names multi " + counterValue + ", which is not there");
            }
            checkData(checker, ledger, problems);
        }
        assertThat(problems).as("round %d", round).isEmpty();
    }

    /** Reads back every acknowledged create's data, asynchronously, and compares it with what was written. */
    private static void checkData(ZooKeeper checker, Ledger ledger, List<String> problems) throws InterruptedException {
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch read = new CountDownLatch(ledger.ackedCreates.size());
        ledger.ackedCreates.forEach((path, data) -> checker.getData(path, false, (rc, p, ctx, bytes, stat) -> {
            String found = rc == Code.OK.intValue() ? new String(bytes, StandardCharsets.UTF_8) : "error " + rc;
            if (!found.equals(data)) {
                wrong.add("acknowledged create " + p + " holds '" + found + "', not '" + data + "'");
            }
            read.countDown();
        }, null));
        assertThat(read.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("all reads answered").isTrue();
        problems.addAll(wrong);
    }

    private static void awaitConnected(ZooKeeper zk) {
        await("client reconnected").atMost(BOUND).until(() -> zk.getState() == ZooKeeper.States.CONNECTED);
    }

    private static String counter(int client) {
        return "/crash/counter-" + client;
    }

    private static String multiPath(String part, int client, long seq) {
        return "/crash/m" + part + "-" + client + "-" + seq;
    }
}
