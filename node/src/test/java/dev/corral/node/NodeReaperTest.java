package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.tree.WatchEvent;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.WatcherEvent;
import org.junit.jupiter.api.Test;

/**
 * Containers and TTL nodes removed by the Node itself, as ZooKeeper 3.9.5's {@code ContainerManager}
 * does: a container once it has had a child and has none, a TTL node once it is childless and unchanged
 * for longer than its TTL; looked for every check interval (counted in ticks of 1000 ms), at most a
 * share of {@code maxPerMinute} per check.
 */
class NodeReaperTest {

    private static SimShell shell(long checkIntervalMs, int maxPerMinute) {
        return new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS)
                .withExtendedTypes(true)
                .withContainerChecks(checkIntervalMs, maxPerMinute));
    }

    @Test
    void containerIsDeletedAtTheFirstCheckAfterItsLastChildIsDeleted() {
        SimShell shell = shell(5000, 10_000);
        FrameClient client = shell.connect(20_000);
        FrameClient watcher = shell.connect(20_000);
        assertThat(client.createContainer("/c").err()).isEqualTo(ErrorCode.OK);
        client.create("/c/x", CreateMode.PERSISTENT);
        client.delete("/c/x");
        watcher.exists("/c", true);

        shell.ticks(4, client, watcher);
        assertThat(shell.node.tree().node("/c")).as("no check before tick 5").isNotNull();
        shell.ticks(1, client, watcher);

        assertThat(shell.node.tree().node("/c")).isNull();
        assertThat(shell.node.tree().containers()).isEmpty();
        assertThat(watcher.takeNotifications())
                .containsExactly(new WatcherEvent(WatchEvent.NODE_DELETED, WatchEvent.SYNC_CONNECTED, "/c"));
    }

    @Test
    void containerEmptiedBetweenChecksWaitsForTheNextCheck() {
        SimShell shell = shell(5000, 10_000);
        FrameClient client = shell.connect(20_000);
        client.createContainer("/c");
        client.create("/c/x", CreateMode.PERSISTENT);

        shell.ticks(6, client);
        client.delete("/c/x");
        shell.ticks(3, client);
        assertThat(shell.node.tree().node("/c")).as("at tick 9").isNotNull();
        shell.ticks(1, client);

        assertThat(shell.node.tree().node("/c")).as("at tick 10").isNull();
    }

    @Test
    void containerThatNeverHadAChildIsKept() {
        SimShell shell = shell(5000, 10_000);
        FrameClient client = shell.connect(20_000);
        client.createContainer("/c");

        shell.ticks(20, client);

        assertThat(shell.node.tree().node("/c")).isNotNull();
    }

    @Test
    void containerWithAChildIsKept() {
        SimShell shell = shell(5000, 10_000);
        FrameClient client = shell.connect(20_000);
        client.createContainer("/c");
        client.create("/c/x", CreateMode.PERSISTENT);
        client.create("/c/y", CreateMode.PERSISTENT);
        client.delete("/c/x");

        shell.ticks(20, client);

        assertThat(shell.node.tree().node("/c")).isNotNull();
    }

    @Test
    void deletesPerCheckAreCappedByMaxPerMinute() {
        // 12 per minute with a check every 5 s is one delete per check.
        SimShell shell = shell(5000, 12);
        FrameClient client = shell.connect(20_000);
        for (String path : new String[] {"/c1", "/c2", "/c3"}) {
            client.createContainer(path);
            client.create(path + "/x", CreateMode.PERSISTENT);
            client.delete(path + "/x");
        }

        shell.ticks(5, client);
        assertThat(shell.node.tree().containers()).containsExactly("/c2", "/c3");
        shell.ticks(5, client);
        assertThat(shell.node.tree().containers()).containsExactly("/c3");
        shell.ticks(5, client);
        assertThat(shell.node.tree().containers()).isEmpty();
    }

    // TTL nodes, checked every tick here: deleted once wall time - mtime > ttl.

    @Test
    void ttlNodeIsDeletedOnceItsTtlHasPassedSinceItWasCreated() {
        SimShell shell = shell(1000, 10_000);
        FrameClient client = shell.connect(20_000);
        assertThat(client.createTtl("/t", 10_000).err()).isEqualTo(ErrorCode.OK);

        shell.ticks(10, client);
        assertThat(shell.node.tree().node("/t")).as("exactly ttl after its create").isNotNull();
        shell.ticks(1, client);

        assertThat(shell.node.tree().node("/t")).isNull();
        assertThat(shell.node.tree().ttlNodes()).isEmpty();
    }

    @Test
    void ttlNodeChangedMeanwhileLivesForTtlAfterTheChange() {
        SimShell shell = shell(1000, 10_000);
        FrameClient client = shell.connect(20_000);
        client.createTtl("/t", 10_000);

        shell.ticks(5, client);
        client.setData("/t", "touch", -1);
        shell.ticks(10, client);
        assertThat(shell.node.tree().node("/t")).as("at tick 15").isNotNull();
        shell.ticks(1, client);

        assertThat(shell.node.tree().node("/t")).as("at tick 16").isNull();
    }

    @Test
    void ttlNodeWithAChildIsKeptUntilTheChildIsGone() {
        SimShell shell = shell(1000, 10_000);
        FrameClient client = shell.connect(20_000);
        client.createTtl("/t", 3000);
        client.create("/t/x", CreateMode.PERSISTENT);

        shell.ticks(10, client);
        assertThat(shell.node.tree().node("/t")).isNotNull();
        client.delete("/t/x");
        shell.ticks(1, client);

        assertThat(shell.node.tree().node("/t")).as("child changes do not move mtime").isNull();
    }
}
