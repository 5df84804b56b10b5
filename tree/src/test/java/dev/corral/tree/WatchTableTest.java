package dev.corral.tree;

import static dev.corral.tree.WatchEvent.NODE_CHILDREN_CHANGED;
import static dev.corral.tree.WatchEvent.NODE_CREATED;
import static dev.corral.tree.WatchEvent.NODE_DATA_CHANGED;
import static dev.corral.tree.WatchEvent.NODE_DELETED;
import static dev.corral.tree.WatchEvent.NO_ZXID;
import static dev.corral.tree.WatchTable.TYPE_ANY;
import static dev.corral.tree.WatchTable.TYPE_CHILDREN;
import static dev.corral.tree.WatchTable.TYPE_DATA;
import static dev.corral.tree.WatchTable.TYPE_PERSISTENT;
import static dev.corral.tree.WatchTable.TYPE_PERSISTENT_RECURSIVE;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which watch events the applier's txns trigger, to whom, how often, and what removeWatches,
 * checkWatches and setWatches do, as ZooKeeper 3.9.5's {@code WatchManager} and {@code DataTree} do.
 * Every case starts from /a (zxid 1) and /a/b (zxid 2); the case's own txns get zxids 3, 4, ...
 */
class WatchTableTest {
    private static final long W1 = 101;
    private static final long W2 = 102;
    private static final String BOB = Acls.digest("bob:secret");

    private static WatchEvent event(long watcher, int type, String path, long zxid) {
        return new WatchEvent(watcher, type, path, zxid);
    }

    private static TxnPipeline startingTree() {
        TxnPipeline p = new TxnPipeline();
        p.create("/a");
        p.create("/a/b");
        p.events.clear();
        return p;
    }

    /** Events per watcher, each watcher's in the order it receives them (ZooKeeper orders across watchers freely). */
    private static Map<Long, List<WatchEvent>> byWatcher(List<WatchEvent> events) {
        return withoutAcl(events).stream().collect(groupingBy(WatchEvent::watcherId, TreeMap::new, toList()));
    }

    /** The events without the ACL they must be read through, which {@link #eventsCarryTheAclAWatcherMustReadThrough} checks. */
    private static List<WatchEvent> withoutAcl(List<WatchEvent> events) {
        return events.stream().map(e -> event(e.watcherId(), e.type(), e.path(), e.zxid())).toList();
    }

    record TriggerCase(String name, Consumer<WatchTable> watches, Consumer<TxnPipeline> script, List<WatchEvent> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<TriggerCase> triggerCases() {
        return List.of(
                // Standard data and exist watches (data table): once, exact type and path.
                new TriggerCase("data watch fires NodeDataChanged on setData", w -> w.addDataWatch("/a", W1),
                        p -> p.setData("/a", "x"), List.of(event(W1, NODE_DATA_CHANGED, "/a", 3))),
                new TriggerCase("data watch fires once", w -> w.addDataWatch("/a", W1),
                        p -> { p.setData("/a", "x"); p.setData("/a", "y"); }, List.of(event(W1, NODE_DATA_CHANGED, "/a", 3))),
                new TriggerCase("data watch fires NodeDeleted on delete", w -> w.addDataWatch("/a/b", W1),
                        p -> p.delete("/a/b"), List.of(event(W1, NODE_DELETED, "/a/b", 3))),
                new TriggerCase("exist watch on a missing node fires NodeCreated", w -> w.addDataWatch("/n", W1),
                        p -> p.create("/n"), List.of(event(W1, NODE_CREATED, "/n", 3))),
                new TriggerCase("data watch ignores child changes", w -> w.addDataWatch("/a", W1),
                        p -> p.create("/a/c"), List.of()),
                new TriggerCase("data watch ignores setACL", w -> w.addDataWatch("/a", W1),
                        p -> p.setAcl("/a", Acl.OPEN_ACL_UNSAFE), List.of()),
                new TriggerCase("data watch ignores other paths", w -> w.addDataWatch("/a", W1),
                        p -> p.setData("/a/b", "x"), List.of()),
                new TriggerCase("every watcher on the path fires", w -> { w.addDataWatch("/a", W1); w.addDataWatch("/a", W2); },
                        p -> p.setData("/a", "x"),
                        List.of(event(W1, NODE_DATA_CHANGED, "/a", 3), event(W2, NODE_DATA_CHANGED, "/a", 3))),
                // Standard child watches (child table).
                new TriggerCase("child watch fires NodeChildrenChanged on a child create", w -> w.addChildWatch("/a", W1),
                        p -> p.create("/a/c"), List.of(event(W1, NODE_CHILDREN_CHANGED, "/a", 3))),
                new TriggerCase("child watch fires NodeChildrenChanged on a child delete", w -> w.addChildWatch("/a", W1),
                        p -> p.delete("/a/b"), List.of(event(W1, NODE_CHILDREN_CHANGED, "/a", 3))),
                new TriggerCase("child watch fires once", w -> w.addChildWatch("/a", W1),
                        p -> { p.create("/a/c"); p.create("/a/d"); }, List.of(event(W1, NODE_CHILDREN_CHANGED, "/a", 3))),
                new TriggerCase("child watch ignores setData", w -> w.addChildWatch("/a", W1),
                        p -> p.setData("/a", "x"), List.of()),
                new TriggerCase("child watch ignores grandchildren", w -> w.addChildWatch("/a", W1),
                        p -> p.create("/a/b/c"), List.of()),
                // Delete: NodeDeleted to the node's data and child watchers (once each), then the parent's.
                new TriggerCase("delete: child watcher at the node gets NodeDeleted", w -> w.addChildWatch("/a/b", W1),
                        p -> p.delete("/a/b"), List.of(event(W1, NODE_DELETED, "/a/b", 3))),
                new TriggerCase("delete: a watcher in both tables at the node gets one NodeDeleted",
                        w -> { w.addDataWatch("/a/b", W1); w.addChildWatch("/a/b", W1); },
                        p -> p.delete("/a/b"), List.of(event(W1, NODE_DELETED, "/a/b", 3))),
                new TriggerCase("delete: NodeDeleted at the node comes before NodeChildrenChanged at the parent",
                        w -> { w.addChildWatch("/a", W1); w.addDataWatch("/a/b", W1); },
                        p -> p.delete("/a/b"),
                        List.of(event(W1, NODE_DELETED, "/a/b", 3), event(W1, NODE_CHILDREN_CHANGED, "/a", 3))),
                new TriggerCase("delete: the node's and the parent's watchers each get their event",
                        w -> { w.addDataWatch("/a/b", W1); w.addChildWatch("/a", W2); },
                        p -> p.delete("/a/b"),
                        List.of(event(W1, NODE_DELETED, "/a/b", 3), event(W2, NODE_CHILDREN_CHANGED, "/a", 3))),
                new TriggerCase("create: NodeCreated at the node and NodeChildrenChanged at the parent",
                        w -> { w.addDataWatch("/a/c", W1); w.addChildWatch("/a", W1); },
                        p -> p.create("/a/c"),
                        List.of(event(W1, NODE_CREATED, "/a/c", 3), event(W1, NODE_CHILDREN_CHANGED, "/a", 3))),
                // Persistent watches (both tables): fire every time, on the path only.
                new TriggerCase("persistent watch fires on every setData", w -> w.addPersistentWatch("/a", W1, false),
                        p -> { p.setData("/a", "x"); p.setData("/a", "y"); },
                        List.of(event(W1, NODE_DATA_CHANGED, "/a", 3), event(W1, NODE_DATA_CHANGED, "/a", 4))),
                new TriggerCase("persistent watch fires NodeChildrenChanged on every child change",
                        w -> w.addPersistentWatch("/a", W1, false),
                        p -> { p.create("/a/c"); p.delete("/a/c"); },
                        List.of(event(W1, NODE_CHILDREN_CHANGED, "/a", 3), event(W1, NODE_CHILDREN_CHANGED, "/a", 4))),
                new TriggerCase("persistent watch is not recursive", w -> w.addPersistentWatch("/a", W1, false),
                        p -> { p.setData("/a/b", "x"); p.create("/a/b/c"); }, List.of()),
                new TriggerCase("persistent watch outlives its node's delete and sees it created again",
                        w -> w.addPersistentWatch("/a/b", W1, false),
                        p -> { p.delete("/a/b"); p.create("/a/b"); },
                        List.of(event(W1, NODE_DELETED, "/a/b", 3), event(W1, NODE_CREATED, "/a/b", 4))),
                // Persistent-recursive watches (data table): the path and every descendant, never NodeChildrenChanged.
                new TriggerCase("recursive watch fires for every descendant change", w -> w.addPersistentWatch("/a", W1, true),
                        p -> { p.setData("/a/b", "x"); p.create("/a/b/c"); p.delete("/a/b/c"); p.setData("/a", "y"); },
                        List.of(event(W1, NODE_DATA_CHANGED, "/a/b", 3), event(W1, NODE_CREATED, "/a/b/c", 4),
                                event(W1, NODE_DELETED, "/a/b/c", 5), event(W1, NODE_DATA_CHANGED, "/a", 6))),
                new TriggerCase("recursive watch never fires NodeChildrenChanged", w -> w.addPersistentWatch("/a", W1, true),
                        p -> { p.create("/a/c"); p.delete("/a/c"); },
                        List.of(event(W1, NODE_CREATED, "/a/c", 3), event(W1, NODE_DELETED, "/a/c", 4))),
                new TriggerCase("recursive watch on the root sees the whole tree", w -> w.addPersistentWatch("/", W1, true),
                        p -> { p.create("/x"); p.setData("/a/b", "y"); },
                        List.of(event(W1, NODE_CREATED, "/x", 3), event(W1, NODE_DATA_CHANGED, "/a/b", 4))),
                new TriggerCase("recursive watch ignores a sibling whose name extends the path",
                        w -> w.addPersistentWatch("/a", W1, true), p -> p.create("/ab"), List.of()),
                new TriggerCase("recursive and standard watchers of an ancestor and the node each fire once",
                        w -> { w.addPersistentWatch("/a", W1, true); w.addDataWatch("/a/b", W2); },
                        p -> p.setData("/a/b", "x"),
                        List.of(event(W1, NODE_DATA_CHANGED, "/a/b", 3), event(W2, NODE_DATA_CHANGED, "/a/b", 3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("triggerCases")
    void txnsFireExactlyTheseEvents(TriggerCase row) {
        TxnPipeline p = startingTree();
        row.watches().accept(p.watches);

        row.script().accept(p);

        assertThat(byWatcher(p.events)).isEqualTo(byWatcher(row.expected()));
    }

    record RemoveCase(String name, Consumer<WatchTable> watches, String path, int watcherType, boolean found,
            int dataWatchesAfter, int childWatchesAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<RemoveCase> removeCases() {
        Consumer<WatchTable> data = w -> w.addDataWatch("/a", W1);
        Consumer<WatchTable> child = w -> w.addChildWatch("/a", W1);
        Consumer<WatchTable> both = w -> { w.addDataWatch("/a", W1); w.addChildWatch("/a", W1); };
        Consumer<WatchTable> persistent = w -> w.addPersistentWatch("/a", W1, false);
        Consumer<WatchTable> recursive = w -> w.addPersistentWatch("/a", W1, true);
        return List.of(
                // Type 2 (data) and 1 (children) name the standard watches of one table.
                new RemoveCase("data watch, type data", data, "/a", TYPE_DATA, true, 0, 0),
                new RemoveCase("data watch, type children", data, "/a", TYPE_CHILDREN, false, 1, 0),
                new RemoveCase("child watch, type children", child, "/a", TYPE_CHILDREN, true, 0, 0),
                new RemoveCase("child watch, type data", child, "/a", TYPE_DATA, false, 0, 1),
                new RemoveCase("data and child watch, type data", both, "/a", TYPE_DATA, true, 0, 1),
                // Type 3 (any) names every watch of the watcher on the path.
                new RemoveCase("data and child watch, type any", both, "/a", TYPE_ANY, true, 0, 0),
                new RemoveCase("persistent watch, type any", persistent, "/a", TYPE_ANY, true, 0, 0),
                new RemoveCase("recursive watch, type any", recursive, "/a", TYPE_ANY, true, 0, 0),
                new RemoveCase("no watch, type any", w -> { }, "/a", TYPE_ANY, false, 0, 0),
                // Type 4 (persistent) and 5 (persistent recursive) name only their mode.
                new RemoveCase("persistent watch, type persistent", persistent, "/a", TYPE_PERSISTENT, true, 0, 0),
                new RemoveCase("persistent watch, type data", persistent, "/a", TYPE_DATA, false, 1, 1),
                new RemoveCase("persistent watch, type children", persistent, "/a", TYPE_CHILDREN, false, 1, 1),
                new RemoveCase("persistent watch, type recursive", persistent, "/a", TYPE_PERSISTENT_RECURSIVE, false, 1, 1),
                new RemoveCase("recursive watch, type recursive", recursive, "/a", TYPE_PERSISTENT_RECURSIVE, true, 0, 0),
                new RemoveCase("recursive watch, type persistent", recursive, "/a", TYPE_PERSISTENT, false, 1, 0),
                new RemoveCase("recursive watch, type data", recursive, "/a", TYPE_DATA, false, 1, 0),
                // Only the named watcher's watches on the named path.
                new RemoveCase("another watcher's data watch", w -> w.addDataWatch("/a", W2), "/a", TYPE_DATA, false, 1, 0),
                new RemoveCase("data watch on another path", data, "/a/b", TYPE_DATA, false, 1, 0),
                new RemoveCase("unknown watcher type", data, "/a", 9, false, 1, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("removeCases")
    void checkWatchesFindsAndRemoveWatchesRemovesExactlyTheNamedWatches(RemoveCase row) {
        WatchTable watches = new WatchTable();
        row.watches().accept(watches);
        int dataBefore = watches.dataWatchCount();
        int childBefore = watches.childWatchCount();

        boolean checked = watches.remove(row.path(), W1, row.watcherType(), true);
        assertThat(checked).as("checkWatches (dry run)").isEqualTo(row.found());
        assertThat(watches.dataWatchCount()).as("a dry run removes nothing").isEqualTo(dataBefore);
        assertThat(watches.childWatchCount()).as("a dry run removes nothing").isEqualTo(childBefore);

        boolean removed = watches.remove(row.path(), W1, row.watcherType(), false);
        assertThat(removed).as("removeWatches").isEqualTo(row.found());
        assertThat(watches.dataWatchCount()).isEqualTo(row.dataWatchesAfter());
        assertThat(watches.childWatchCount()).isEqualTo(row.childWatchesAfter());
        assertThat(watches.remove(row.path(), W1, row.watcherType(), false)).as("a second remove finds nothing").isFalse();
    }

    /** Applying a txn skips the watch lookups when no watch is set, so isEmpty must see every kind of watch. */
    @Test
    void theTableIsEmptyExactlyWhenNoWatchOfAnyKindIsSet() {
        TxnPipeline p = startingTree();
        assertThat(p.watches.isEmpty()).isTrue();
        p.watches.addDataWatch("/a", W1);
        assertThat(p.watches.isEmpty()).isFalse();
        p.setData("/a", "x");
        assertThat(p.watches.isEmpty()).as("a fired data watch is gone").isTrue();
        p.watches.addChildWatch("/a", W1);
        assertThat(p.watches.isEmpty()).isFalse();
        p.create("/a/c");
        assertThat(p.watches.isEmpty()).as("a fired child watch is gone").isTrue();
        p.watches.addPersistentWatch("/", W2, true);
        p.create("/a/c/d");
        p.delete("/a/c/d");
        assertThat(p.watches.isEmpty()).as("a recursive watch stays").isFalse();
        p.watches.addPersistentWatch("/a", W1, false);
        p.watches.remove("/", W2, TYPE_PERSISTENT_RECURSIVE, false);
        assertThat(p.watches.isEmpty()).isFalse();
        p.watches.removeWatcher(W1);
        assertThat(p.watches.isEmpty()).isTrue();
        assertThat(withoutAcl(p.events)).extracting(WatchEvent::watcherId, WatchEvent::type, WatchEvent::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple(W1, NODE_DATA_CHANGED, "/a"),
                org.assertj.core.groups.Tuple.tuple(W1, NODE_CHILDREN_CHANGED, "/a"),
                org.assertj.core.groups.Tuple.tuple(W2, NODE_CREATED, "/a/c/d"),
                org.assertj.core.groups.Tuple.tuple(W2, NODE_DELETED, "/a/c/d"));
    }

    @Test
    void removedRecursiveWatchNoLongerFiresForDescendants() {
        TxnPipeline p = startingTree();
        p.watches.addPersistentWatch("/a", W1, true);

        p.watches.remove("/a", W1, TYPE_PERSISTENT_RECURSIVE, false);
        p.setData("/a/b", "x");
        p.setData("/a", "x");

        assertThat(p.events).isEmpty();
    }

    @Test
    void removeWatcherDropsEveryWatchOfThatWatcherOnly() {
        TxnPipeline p = startingTree();
        p.watches.addDataWatch("/a", W1);
        p.watches.addChildWatch("/a", W1);
        p.watches.addDataWatch("/n", W1);
        p.watches.addPersistentWatch("/a/b", W1, false);
        p.watches.addPersistentWatch("/", W1, true);
        p.watches.addDataWatch("/a", W2);

        p.watches.removeWatcher(W1);
        p.setData("/a", "x");
        p.create("/a/c");
        p.create("/n");
        p.setData("/a/b", "y");

        assertThat(p.watches.pathsOf(W1)).isEmpty();
        assertThat(p.watches.dataWatchCount()).isZero();
        assertThat(p.watches.childWatchCount()).isZero();
        assertThat(withoutAcl(p.events)).containsExactly(event(W2, NODE_DATA_CHANGED, "/a", 3));
    }

    @Test
    void eventsCarryTheAclAWatcherMustReadThrough() {
        // ZooKeeper 3.9 (DataTree#createNode, #deleteNode, #setData; ServerCnxn#process) checks READ on the
        // node's ACL for its own events and on the parent's ACL for NodeChildrenChanged.
        List<Acl> parentAcl = List.of(new Acl(Acl.ALL, Id.ANYONE));
        List<Acl> childAcl = List.of(new Acl(Acl.READ | Acl.WRITE, Id.ANYONE), new Acl(Acl.ALL, new Id("digest", BOB)));
        List<Acl> newAcl = List.of(new Acl(Acl.ALL, new Id("digest", BOB)));
        TxnPipeline p = new TxnPipeline();
        p.create("/p", parentAcl);
        p.create("/p/c", childAcl);
        p.watches.addPersistentWatch("/p", W1, true);
        p.watches.addPersistentWatch("/p", W2, false);
        p.events.clear();

        p.setData("/p/c", "x");
        p.create("/p/d", newAcl);
        p.delete("/p/c");

        assertThat(p.events).containsExactly(
                new WatchEvent(W1, NODE_DATA_CHANGED, "/p/c", 3, childAcl),
                new WatchEvent(W1, NODE_CREATED, "/p/d", 4, newAcl),
                new WatchEvent(W2, NODE_CHILDREN_CHANGED, "/p", 4, parentAcl),
                new WatchEvent(W1, NODE_DELETED, "/p/c", 5, childAcl),
                new WatchEvent(W2, NODE_CHILDREN_CHANGED, "/p", 5, parentAcl));
    }

    record SetWatchesCase(String name, long relativeZxid, List<String> data, List<String> exist, List<String> child,
            List<String> persistent, List<String> recursive, List<WatchEvent> immediate, Consumer<TxnPipeline> then,
            List<WatchEvent> later) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static SetWatchesCase setWatches(String name, long relativeZxid, List<String> data, List<String> exist,
            List<String> child, List<WatchEvent> immediate, Consumer<TxnPipeline> then, List<WatchEvent> later) {
        return new SetWatchesCase(name, relativeZxid, data, exist, child, List.of(), List.of(), immediate, then, later);
    }

    static List<SetWatchesCase> setWatchesCases() {
        final List<String> none = List.of();
        // The tree: /a created at 1, its data set at 2, /a/b created at 3; so /a has mzxid 2 and pzxid 3.
        // The follow-up txns get zxids 4, 5, ...
        return List.of(
                // Data watches: NodeDeleted if gone, NodeDataChanged if changed after relativeZxid, else re-armed.
                setWatches("data watch on a node changed since relativeZxid fires NodeDataChanged", 1, List.of("/a"), none, none,
                        List.of(event(W1, NODE_DATA_CHANGED, "/a", NO_ZXID)), p -> p.setData("/a", "x"), List.of()),
                setWatches("data watch on a node unchanged since relativeZxid is re-armed", 2, List.of("/a"), none, none,
                        List.of(), p -> p.setData("/a", "x"), List.of(event(W1, NODE_DATA_CHANGED, "/a", 4))),
                setWatches("data watch on a missing node fires NodeDeleted", 3, List.of("/gone"), none, none,
                        List.of(event(W1, NODE_DELETED, "/gone", NO_ZXID)), p -> p.create("/gone"), List.of()),
                // Exist watches: NodeCreated if present, else re-armed.
                setWatches("exist watch on a present node fires NodeCreated", 3, none, List.of("/a"), none,
                        List.of(event(W1, NODE_CREATED, "/a", NO_ZXID)), p -> p.setData("/a", "x"), List.of()),
                setWatches("exist watch on a missing node is re-armed", 3, none, List.of("/n"), none,
                        List.of(), p -> p.create("/n"), List.of(event(W1, NODE_CREATED, "/n", 4))),
                // Child watches: NodeDeleted if gone, NodeChildrenChanged if pzxid is after relativeZxid, else re-armed.
                setWatches("child watch on children changed since relativeZxid fires NodeChildrenChanged", 2, none, none,
                        List.of("/a"), List.of(event(W1, NODE_CHILDREN_CHANGED, "/a", NO_ZXID)), p -> p.create("/a/c"),
                        List.of()),
                setWatches("child watch on unchanged children is re-armed", 3, none, none, List.of("/a"),
                        List.of(), p -> p.create("/a/c"), List.of(event(W1, NODE_CHILDREN_CHANGED, "/a", 4))),
                setWatches("child watch on a missing node fires NodeDeleted", 3, none, none, List.of("/gone"),
                        List.of(event(W1, NODE_DELETED, "/gone", NO_ZXID)), p -> p.create("/gone"), List.of()),
                // Persistent and recursive watches are only registered again, whatever changed meanwhile.
                new SetWatchesCase("persistent watch is re-registered without an event", 0, none, none, none, List.of("/a"), none,
                        List.of(), p -> { p.setData("/a", "x"); p.create("/a/c"); },
                        List.of(event(W1, NODE_DATA_CHANGED, "/a", 4), event(W1, NODE_CHILDREN_CHANGED, "/a", 5))),
                new SetWatchesCase("persistent watch on a missing node is re-registered", 0, none, none, none, List.of("/n"), none,
                        List.of(), p -> p.create("/n"), List.of(event(W1, NODE_CREATED, "/n", 4))),
                new SetWatchesCase("recursive watch is re-registered without an event", 0, none, none, none, none, List.of("/a"),
                        List.of(), p -> { p.setData("/a/b", "x"); p.create("/a/b/c"); },
                        List.of(event(W1, NODE_DATA_CHANGED, "/a/b", 4), event(W1, NODE_CREATED, "/a/b/c", 5))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setWatchesCases")
    void setWatchesFiresWhatTheClientMissedAndReArmsTheRest(SetWatchesCase row) {
        TxnPipeline p = new TxnPipeline();
        p.create("/a");
        p.setData("/a", "v");
        p.create("/a/b");
        p.events.clear();
        List<WatchEvent> immediate = new ArrayList<>();

        p.watches.setWatches(p.tree, row.relativeZxid(), row.data(), row.exist(), row.child(), row.persistent(),
                row.recursive(), W1, immediate);
        row.then().accept(p);

        assertThat(immediate).containsExactlyElementsOf(row.immediate());
        assertThat(withoutAcl(p.events)).containsExactlyElementsOf(row.later());
    }

    @Test
    void setWatchesToleratesNullListsFromOldClients() {
        TxnPipeline p = startingTree();
        List<WatchEvent> immediate = new ArrayList<>();

        p.watches.setWatches(p.tree, 0, List.of("/a"), null, null, null, null, W1, immediate);

        assertThat(immediate).containsExactly(event(W1, NODE_DATA_CHANGED, "/a", NO_ZXID));
    }

    // ZooKeeper 3.9 keeps every mode a watcher registered on a path (WatchStats); a standard watch added on
    // top of a persistent one is removed when it fires, and the persistent one stays.

    record MultiModeCase(String name, Consumer<WatchTable> watches, Consumer<TxnPipeline> script, List<WatchEvent> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<MultiModeCase> multiModeCases() {
        return List.of(
                new MultiModeCase("persistent then data watch: the persistent watch survives the first event",
                        w -> { w.addPersistentWatch("/a", W1, false); w.addDataWatch("/a", W1); },
                        p -> { p.setData("/a", "x"); p.setData("/a", "y"); },
                        List.of(event(W1, NODE_DATA_CHANGED, "/a", 3), event(W1, NODE_DATA_CHANGED, "/a", 4))),
                new MultiModeCase("recursive then exist watch on the same path: descendants still fire",
                        w -> { w.addPersistentWatch("/a", W1, true); w.addDataWatch("/a", W1); },
                        p -> { p.create("/a/c"); p.setData("/a/b", "x"); },
                        List.of(event(W1, NODE_CREATED, "/a/c", 3), event(W1, NODE_DATA_CHANGED, "/a/b", 4))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiModeCases")
    void watcherKeepsEveryModeItRegisteredOnAPath(MultiModeCase row) {
        TxnPipeline p = startingTree();
        row.watches().accept(p.watches);

        row.script().accept(p);

        assertThat(withoutAcl(p.events)).containsExactlyElementsOf(row.expected());
    }

    @Test
    void removingTheDataWatchLeavesAPersistentWatchOnTheSamePath() {
        TxnPipeline p = startingTree();
        p.watches.addDataWatch("/a", W1);
        p.watches.addPersistentWatch("/a", W1, false);

        assertThat(p.watches.remove("/a", W1, TYPE_DATA, true)).as("checkWatches type data").isTrue();
        assertThat(p.watches.remove("/a", W1, TYPE_DATA, false)).as("removeWatches type data").isTrue();
        p.setData("/a", "x");

        assertThat(withoutAcl(p.events)).containsExactly(event(W1, NODE_DATA_CHANGED, "/a", 3));
    }
}
