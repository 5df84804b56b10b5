package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.wire.Acl;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watches seen from the shell: {@code watch} prints events as they come and ends on its count, on the
 * stop key or when the session ends, removing its watch; between commands the interactive shell prints
 * one-shot watch events as zkCli's "WATCHER::" lines, unless {@code printwatches off}.
 */
class WatchCommandTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    static final ShellFixture fixture = new ShellFixture();

    @BeforeEach
    void emptyTree() throws Exception {
        fixture.wipe();
    }

    @Test
    void watchPrintsEachDataChangeUntilItsCountAndExitsZero() throws Exception {
        fixture.ok("create", "/w", "0");
        CompletableFuture<ShellFixture.Run> watch = CompletableFuture.supplyAsync(() -> fixture.shell("watch", "-n", "2", "/w"));
        try (CorralClient writer = fixture.client()) {
            changeUntilDone(watch, i -> writer.setData("/w", bytes(String.valueOf(i)), -1));
        }
        ShellFixture.Run run = watch.join();
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).matches("(NodeDataChanged /w zxid=0x[0-9a-f]+\n){2}");
    }

    @Test
    void watchDashRSeesCreatesBelowThePath() throws Exception {
        fixture.ok("create", "/w", "0");
        CompletableFuture<ShellFixture.Run> watch = CompletableFuture.supplyAsync(() -> fixture.shell("watch", "-R", "-n", "1", "/w"));
        try (CorralClient writer = fixture.client()) {
            changeUntilDone(watch, i -> writer.create("/w/c" + i, null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        }
        ShellFixture.Run run = watch.join();
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).matches("NodeCreated /w/c\\d+ zxid=0x[0-9a-f]+\n");
    }

    @Test
    void watchOfAPathThatDoesNotExistYetSeesItCreated() throws Exception {
        CompletableFuture<ShellFixture.Run> watch = CompletableFuture.supplyAsync(() -> fixture.shell("watch", "-n", "1", "/later"));
        try (CorralClient writer = fixture.client()) {
            changeUntilDone(watch, i -> {
                writer.create("/later", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writer.delete("/later", -1);
            });
        }
        ShellFixture.Run run = watch.join();
        assertThat(run.out()).matches("NodeCreated /later zxid=0x[0-9a-f]+\n");
    }

    @Test
    void watchStopsOnTheStopKeyAndRemovesItsWatch() throws Exception {
        fixture.ok("create", "/w");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Shell shell = fixture.connectedShell(out, err)) {
            shell.stopKey(() -> true);
            assertThat(shell.run(List.of("watch", "/w"))).as(err.toString()).isZero();
            assertThat(shell.run(List.of("removewatches", "/w"))).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("KeeperErrorCode = No such watcher for /w\n");
        }
    }

    @Test
    void watchEndsWithExitOneWhenTheSessionEnds() throws Exception {
        fixture.ok("create", "/w");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Shell shell = fixture.connectedShell(out, err)) {
            AtomicBoolean watching = new AtomicBoolean();
            shell.stopKey(() -> {
                watching.set(true);
                return false;
            });
            CorralClient session = shell.client();
            CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> shell.run(List.of("watch", "/w")));
            await().atMost(BOUND).untilTrue(watching);
            session.close();
            assertThat(watch.get(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("Stopped watching /w: the session ended (Closed)\n");
        }
    }

    @Test
    void watchRefusesACountThatIsNotPositive() {
        ShellFixture.Run run = fixture.shell("watch", "-n", "0", "/w");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("-n argument must be a positive number of events, not 0\n");
    }

    @Test
    void oneShotWatchEventsArePrintedAsZkCliPrintsThemUnlessPrintwatchesIsOff() throws Exception {
        fixture.ok("create", "/w", "0");
        List<String> printed = new CopyOnWriteArrayList<>();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Shell shell = fixture.connectedShell(out, err); CorralClient writer = fixture.client()) {
            shell.printNotificationsTo(printed::add);
            assertThat(shell.run(List.of("printwatches", "off"))).isZero();
            assertThat(shell.run(List.of("get", "-w", "/w"))).isZero();
            writer.setData("/w", bytes("1"), -1);
            // The server sends a session its notifications before the replies to its later requests, so once
            // this read returns, the first change's notification has been delivered (and dropped).
            assertThat(shell.run(List.of("stat", "/w"))).isZero();
            assertThat(shell.run(List.of("printwatches", "on"))).isZero();
            assertThat(shell.run(List.of("get", "-w", "/w"))).isZero();
            long zxid = writer.setData("/w", bytes("2"), -1).mzxid();
            await().atMost(BOUND).until(() -> printed.stream().anyMatch(text -> text.contains("NodeDataChanged")));
            assertThat(printed.stream().filter(text -> text.contains("NodeDataChanged")))
                    .as("only the change made while printwatches was on")
                    .containsExactly("WATCHER::\n\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/w zxid: " + zxid);
        }
    }

    /** A change made to the tree; {@code i} counts the attempts. */
    @FunctionalInterface
    private interface Change {
        void make(int i) throws Exception;
    }

    /**
     * Makes changes until the watch command finishes: it cannot be told when its watch is in place, so
     * the test keeps changing the tree until the watch has seen as many as it was asked to print.
     */
    private static void changeUntilDone(CompletableFuture<?> watch, Change change) {
        AtomicInteger attempts = new AtomicInteger();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!watch.isDone()) {
                change.make(attempts.incrementAndGet());
            }
            return watch.isDone();
        });
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
