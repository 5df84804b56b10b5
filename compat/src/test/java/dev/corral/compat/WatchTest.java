package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.assertKeeperError;
import static dev.corral.compat.KeeperAssertions.bytes;
import static dev.corral.compat.KeeperAssertions.digestAcl;
import static dev.corral.compat.KeeperAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.corral.testkit.TcpProxy;
import java.util.List;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watch semantics: one-time standard watches, persistent and persistent-recursive watches,
 * ordering of notifications against replies, removal, ACL filtering, and re-arming on reconnect
 * (setWatches / setWatches2 through a {@link TcpProxy} the test cuts).
 */
class WatchTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    // Standard (one-time) watches

    @Test
    void aDataWatchFiresOnceWithNodeDataChangedAndTheZxidOfTheChange() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT);
        watching.getData(root + "/n", true, null);

        Stat first = writer.setData(root + "/n", bytes("1"), -1);
        writer.setData(root + "/n", bytes("2"), -1);

        WatchedEvent event = log.expect(EventType.NodeDataChanged, root + "/n");
        assertThat(event.getState()).isEqualTo(KeeperState.SyncConnected);
        assertThat(event.getZxid()).isEqualTo(first.getMzxid());
        assertThat(log.drainThroughBarrier(watching)).as("a standard watch fires once").isEmpty();
    }

    @Test
    void aDataWatchFiresNodeDeletedWhenTheNodeIsDeleted() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT);
        watching.getData(root + "/n", true, null);

        writer.delete(root + "/n", -1);

        log.expect(EventType.NodeDeleted, root + "/n");
        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void anExistsWatchOnAMissingNodeFiresNodeCreatedWithTheCreateZxid() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        assertThat(watching.exists(root + "/n", true)).isNull();
        Stat created = new Stat();

        writer.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT, created);

        assertThat(log.expect(EventType.NodeCreated, root + "/n").getZxid()).isEqualTo(created.getCzxid());
        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void anExistsWatchOnAnExistingNodeFiresOnItsDataChange() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT);
        watching.exists(root + "/n", true);

        writer.setData(root + "/n", bytes("x"), -1);

        log.expect(EventType.NodeDataChanged, root + "/n");
    }

    @Test
    void aChildWatchFiresOnChildCreateAndOnChildDelete() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        Stat child = new Stat();

        watching.getChildren(root, true);
        writer.create(root + "/c", new byte[0], OPEN, CreateMode.PERSISTENT, child);
        WatchedEvent onCreate = log.expect(EventType.NodeChildrenChanged, root);
        watching.getChildren(root, true);
        writer.delete(root + "/c", -1);
        log.expect(EventType.NodeChildrenChanged, root);

        assertThat(onCreate.getZxid()).isEqualTo(child.getCzxid());
        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void aChildWatchFiresNodeDeletedWhenTheWatchedNodeIsDeleted() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT);
        watching.getChildren(root + "/n", true);

        writer.delete(root + "/n", -1);

        // The parent-level NodeChildrenChanged for root is not watched by this client.
        log.expect(EventType.NodeDeleted, root + "/n");
        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void aChildWatchIgnoresDataChangesOfTheNodeAndOfItsChildren() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/c", new byte[0], OPEN, CreateMode.PERSISTENT);
        watching.getChildren(root, true);

        writer.setData(root, bytes("x"), -1);
        writer.setData(root + "/c", bytes("x"), -1);
        writer.create(root + "/c/grandchild", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void aFailedGetDataLeavesNoWatchButAFailedExistsDoes() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);

        assertKeeperError(KeeperException.Code.NONODE, () -> watching.getData(root + "/a", true, null));
        assertThat(watching.exists(root + "/b", true)).isNull();
        writer.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.create(root + "/b", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(log.drainThroughBarrier(watching)).extracting(WatchedEvent::getType, WatchedEvent::getPath)
                .containsExactly(tuple(EventType.NodeCreated, root + "/b"));
    }

    // Ordering: a notification is delivered before the reply to any later request

    @Test
    void aNotificationArrivesBeforeTheReplyToALaterRequestOfTheSameClient() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk(log);
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/n", bytes("old"), OPEN, CreateMode.PERSISTENT);
        watching.getData(root + "/n", true, null);

        writer.setData(root + "/n", bytes("new"), -1);
        watching.getData(root + "/n", false, (rc, path, ctx, data, stat) -> log.note("reply " + text(data)), null);

        List<Object> order = log.takeThrough("reply new");
        assertThat(order).hasSize(2);
        assertThat(((WatchedEvent) order.get(0)).getType()).isEqualTo(EventType.NodeDataChanged);
    }

    @Test
    void aClientsOwnWriteNotifiesItBeforeTheWriteReply() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper zk = server.zk(log);
        String root = server.newRoot(zk);
        zk.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.getData(root + "/n", true, null);

        zk.setData(root + "/n", bytes("x"), -1, (rc, path, ctx, stat) -> log.note("setData reply " + rc), null);

        List<Object> order = log.takeThrough("setData reply 0");
        assertThat(order).hasSize(2);
        assertThat(((WatchedEvent) order.get(0)).getType()).isEqualTo(EventType.NodeDataChanged);
    }

    // Persistent and persistent-recursive watches (addWatch, opcode 106)

    @Test
    void aPersistentWatchFiresOnEveryChangeOfTheNodeAndItsChildListAndOutlivesTheNode() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk();
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        String node = root + "/p";
        writer.create(node, new byte[0], OPEN, CreateMode.PERSISTENT);
        watching.addWatch(node, log, AddWatchMode.PERSISTENT);

        writer.setData(node, bytes("1"), -1);
        writer.setData(node, bytes("2"), -1);
        writer.create(node + "/c", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.create(node + "/c/g", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.setData(node + "/c", bytes("x"), -1);
        writer.delete(node + "/c/g", -1);
        writer.delete(node + "/c", -1);
        writer.delete(node, -1);
        writer.create(node, new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(log.drainThroughBarrier(watching)).extracting(WatchedEvent::getType, WatchedEvent::getPath)
                .containsExactly(
                        tuple(EventType.NodeDataChanged, node),
                        tuple(EventType.NodeDataChanged, node),
                        tuple(EventType.NodeChildrenChanged, node),
                        tuple(EventType.NodeChildrenChanged, node),
                        tuple(EventType.NodeDeleted, node),
                        tuple(EventType.NodeCreated, node));
    }

    @Test
    void aPersistentRecursiveWatchSeesEveryDescendantButNeverNodeChildrenChanged() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk();
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        watching.addWatch(root, log, AddWatchMode.PERSISTENT_RECURSIVE);

        Stat created = new Stat();
        writer.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT, created);
        writer.create(root + "/a/b", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.setData(root + "/a/b", bytes("x"), -1);
        writer.delete(root + "/a/b", -1);
        writer.setData(root, bytes("y"), -1);

        List<WatchedEvent> events = log.drainThroughBarrier(watching);
        assertThat(events).extracting(WatchedEvent::getType, WatchedEvent::getPath).containsExactly(
                tuple(EventType.NodeCreated, root + "/a"),
                tuple(EventType.NodeCreated, root + "/a/b"),
                tuple(EventType.NodeDataChanged, root + "/a/b"),
                tuple(EventType.NodeDeleted, root + "/a/b"),
                tuple(EventType.NodeDataChanged, root));
        assertThat(events.get(0).getZxid()).isEqualTo(created.getCzxid());
    }

    @Test
    void aPersistentWatchMayBeAddedOnAMissingPath() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk();
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);

        watching.addWatch(root + "/later", log, AddWatchMode.PERSISTENT);
        writer.create(root + "/later", new byte[0], OPEN, CreateMode.PERSISTENT);

        log.expect(EventType.NodeCreated, root + "/later");
    }

    @Test
    void watchEventsAreOnlyDeliveredForZnodesTheWatcherMayRead() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk();
        ZooKeeper alice = server.clients().zkAs("alice:secret");
        String root = server.newRoot(alice);
        watching.addWatch(root, log, AddWatchMode.PERSISTENT_RECURSIVE);

        alice.create(root + "/secret", new byte[0], digestAcl(ZooDefs.Perms.ALL, "alice:secret"),
                CreateMode.PERSISTENT);
        alice.create(root + "/public", new byte[0], OPEN, CreateMode.PERSISTENT);
        alice.setData(root + "/secret", bytes("x"), -1);

        assertThat(log.drainThroughBarrier(watching)).extracting(WatchedEvent::getType, WatchedEvent::getPath)
                .containsExactly(tuple(EventType.NodeCreated, root + "/public"));
    }

    // Removing watches (checkWatches 17, removeWatches 18)

    @Test
    void removeWatchesDeliversDataWatchRemovedAndTheWatchNoLongerFires() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk();
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        watching.getData(root, log, null);

        watching.removeWatches(root, log, WatcherType.Data, false);
        log.expect(EventType.DataWatchRemoved, root);
        writer.setData(root, bytes("x"), -1);

        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void removeAllWatchesOfAnyTypeRemovesTheChildWatch() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk();
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        watching.getChildren(root, log);

        watching.removeAllWatches(root, WatcherType.Any, false);
        log.expect(EventType.ChildWatchRemoved, root);
        writer.create(root + "/c", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void removingAPersistentRecursiveWatchDeliversPersistentWatchRemoved() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper watching = server.zk();
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        watching.addWatch(root, log, AddWatchMode.PERSISTENT_RECURSIVE);

        watching.removeWatches(root, log, WatcherType.PersistentRecursive, false);
        log.expect(EventType.PersistentWatchRemoved, root);
        writer.create(root + "/c", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(log.drainThroughBarrier(watching)).isEmpty();
    }

    @Test
    void removingAWatchThatDoesNotExistAnswersNoWatcher() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        assertKeeperError(KeeperException.Code.NOWATCHER, () -> zk.removeAllWatches(root, WatcherType.Any, false));
        assertKeeperError(KeeperException.Code.NOWATCHER, () -> zk.removeWatches(root, log, WatcherType.Data, false));
    }

    @Test
    void rawRemoveWatchesDropsTheServerSideWatchWithoutANotification() throws Exception {
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        RawClient raw = server.raw();
        raw.sync(root);
        byte[] dataWatch = new Jute.Writer().writeString(root).writeInt(2).toByteArray();
        raw.call(RawClient.GET_DATA, new Jute.Writer().writeString(root).writeBoolean(true).toByteArray());

        int checked = raw.call(RawClient.CHECK_WATCHES, dataWatch).err();
        int removed = raw.call(RawClient.REMOVE_WATCHES, dataWatch).err();
        int removedAgain = raw.call(RawClient.REMOVE_WATCHES, dataWatch).err();
        writer.setData(root, bytes("x"), -1);
        raw.sync(root);

        assertThat(List.of(checked, removed, removedAgain)).containsExactly(0, 0, KeeperException.Code.NOWATCHER.intValue());
        assertThat(raw.notifications()).isEmpty();
    }

    @Test
    void aRawNotificationCarriesTypeStatePathAndTheTriggeringZxid() throws Exception {
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        RawClient raw = server.raw();
        raw.sync(root);
        raw.call(RawClient.GET_DATA, new Jute.Writer().writeString(root).writeBoolean(true).toByteArray());

        Stat changed = writer.setData(root, bytes("x"), -1);
        raw.sync(root);

        assertThat(raw.notifications()).containsExactly(new RawClient.Notification(
                changed.getMzxid(), EventType.NodeDataChanged.getIntValue(), KeeperState.SyncConnected.getIntValue(),
                root));
    }

    // Reconnect: the client re-sends its watches (setWatches / setWatches2) with its last zxid

    @Test
    void afterAReconnectTheClientGetsTheEventsItMissedWhileAway() throws Exception {
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/data", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.create(root + "/deleted", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.create(root + "/parent", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.create(root + "/unchanged", new byte[0], OPEN, CreateMode.PERSISTENT);
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        EventLog log = new EventLog();
        ZooKeeper away = server.clients().zk(proxy.connectString(), Clients.SESSION_TIMEOUT_MS, log);
        away.getData(root + "/data", true, null);
        away.exists(root + "/created", true);
        away.getData(root + "/deleted", true, null);
        away.getChildren(root + "/parent", true);
        away.getData(root + "/unchanged", true, null);

        proxy.cut();
        log.awaitState(KeeperState.Disconnected);
        writer.setData(root + "/data", bytes("x"), -1);
        writer.create(root + "/created", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.delete(root + "/deleted", -1);
        writer.create(root + "/parent/child", new byte[0], OPEN, CreateMode.PERSISTENT);
        proxy.restore();
        log.awaitState(KeeperState.SyncConnected);

        List<WatchedEvent> missed = log.drainThroughBarrier(away);
        assertThat(missed).extracting(WatchedEvent::getType, WatchedEvent::getPath).containsExactlyInAnyOrder(
                tuple(EventType.NodeDataChanged, root + "/data"),
                tuple(EventType.NodeCreated, root + "/created"),
                tuple(EventType.NodeDeleted, root + "/deleted"),
                tuple(EventType.NodeChildrenChanged, root + "/parent"));
        assertThat(missed).extracting(WatchedEvent::getZxid)
                .as("events generated by setWatches carry no zxid")
                .containsOnly(WatchedEvent.NO_ZXID);
        Stat unchanged = writer.setData(root + "/unchanged", bytes("now"), -1);
        assertThat(log.expect(EventType.NodeDataChanged, root + "/unchanged").getZxid())
                .as("an unchanged watch is re-armed, not fired").isEqualTo(unchanged.getMzxid());
    }

    @Test
    void rawSetWatchesFiresForChangesAfterTheRelativeZxidAndRearmsTheRest() throws Exception {
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        for (String name : List.of("data", "unchanged", "gone-data", "parent", "gone-parent")) {
            writer.create(root + "/" + name, new byte[0], OPEN, CreateMode.PERSISTENT);
        }
        long relativeZxid = writer.exists(root + "/gone-parent", false).getCzxid();
        writer.setData(root + "/data", bytes("x"), -1);
        writer.create(root + "/created", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.delete(root + "/gone-data", -1);
        writer.create(root + "/parent/c", new byte[0], OPEN, CreateMode.PERSISTENT);
        writer.delete(root + "/gone-parent", -1);
        RawClient raw = server.raw();
        raw.sync(root);

        RawClient.Reply reply = raw.call(RawClient.SET_WATCHES_XID, RawClient.SET_WATCHES, new Jute.Writer()
                .writeLong(relativeZxid)
                .writeStrings(List.of(root + "/data", root + "/unchanged", root + "/gone-data"))
                .writeStrings(List.of(root + "/created", root + "/never"))
                .writeStrings(List.of(root + "/parent", root + "/gone-parent"))
                .toByteArray());

        assertThat(reply.err()).isZero();
        int connected = KeeperState.SyncConnected.getIntValue();
        assertThat(raw.notifications()).as("all generated at once, with no zxid").containsExactlyInAnyOrder(
                new RawClient.Notification(-1, EventType.NodeDataChanged.getIntValue(), connected, root + "/data"),
                new RawClient.Notification(-1, EventType.NodeDeleted.getIntValue(), connected, root + "/gone-data"),
                new RawClient.Notification(-1, EventType.NodeCreated.getIntValue(), connected, root + "/created"),
                new RawClient.Notification(-1, EventType.NodeChildrenChanged.getIntValue(), connected,
                        root + "/parent"),
                new RawClient.Notification(-1, EventType.NodeDeleted.getIntValue(), connected,
                        root + "/gone-parent"));
        Stat unchanged = writer.setData(root + "/unchanged", bytes("y"), -1);
        Stat never = new Stat();
        writer.create(root + "/never", new byte[0], OPEN, CreateMode.PERSISTENT, never);
        raw.sync(root);
        assertThat(raw.notifications()).as("re-armed watches").endsWith(
                new RawClient.Notification(unchanged.getMzxid(), EventType.NodeDataChanged.getIntValue(), connected,
                        root + "/unchanged"),
                new RawClient.Notification(never.getCzxid(), EventType.NodeCreated.getIntValue(), connected,
                        root + "/never"));
        assertThat(raw.notifications()).hasSize(7);
    }

    @Test
    void aPersistentWatchSurvivesAReconnectButChangesMissedMeanwhileAreNotReplayed() throws Exception {
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        EventLog states = new EventLog();
        EventLog log = new EventLog();
        ZooKeeper away = server.clients().zk(proxy.connectString(), Clients.SESSION_TIMEOUT_MS, states);
        away.addWatch(root, log, AddWatchMode.PERSISTENT_RECURSIVE);

        proxy.cut();
        states.awaitState(KeeperState.Disconnected);
        writer.setData(root, bytes("missed"), -1);
        writer.create(root + "/missed", new byte[0], OPEN, CreateMode.PERSISTENT);
        proxy.restore();
        states.awaitState(KeeperState.SyncConnected);
        assertThat(log.drainThroughBarrier(away)).as("nothing replayed").isEmpty();
        Stat seen = writer.setData(root, bytes("seen"), -1);

        WatchedEvent event = log.expect(EventType.NodeDataChanged, root);
        assertThat(event.getZxid()).isEqualTo(seen.getMzxid());
        assertThat(log.drainThroughBarrier(away)).isEmpty();
    }
}
