package dev.corral.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.client.WatchRegistry.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which watchers a notification goes to, as ZooKeeper 3.9's {@code ZKWatchManager#materialize} decides:
 * each watcher is a name, the table below sets watches, sends one event, and checks who got it and who
 * still waits for a second event of the same kind.
 */
class WatchersTest {
    /** A watcher that only has a name, so that a row can say who was called. */
    record Named(String name) implements Watcher {
        @Override
        public void process(WatchedEvent event) { }
    }

    record Watch(Kind kind, String path, String watcher) {}

    record Case(String name, List<Watch> watches, WatchedEvent event, List<String> firstFires, List<String> secondFires) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Named DEFAULT = new Named("default");

    private static WatchedEvent node(EventType type, String path) {
        return new WatchedEvent(type, KeeperState.SYNC_CONNECTED, path, 5);
    }

    static Stream<Case> cases() {
        List<Watch> oneTimeOnA = List.of(new Watch(Kind.DATA, "/a", "d"), new Watch(Kind.EXIST, "/a", "e"),
                new Watch(Kind.CHILD, "/a", "c"));
        return Stream.of(
                // one-time watches fire once, by event type
                new Case("a data change fires data and exist watchers", oneTimeOnA,
                        node(EventType.NODE_DATA_CHANGED, "/a"), List.of("d", "e"), List.of()),
                new Case("a create fires data and exist watchers", oneTimeOnA,
                        node(EventType.NODE_CREATED, "/a"), List.of("d", "e"), List.of()),
                new Case("a delete fires every one-time watcher", oneTimeOnA,
                        node(EventType.NODE_DELETED, "/a"), List.of("d", "e", "c"), List.of()),
                new Case("a children change fires child watchers only", oneTimeOnA,
                        node(EventType.NODE_CHILDREN_CHANGED, "/a"), List.of("c"), List.of()),
                new Case("an event elsewhere fires nothing", oneTimeOnA,
                        node(EventType.NODE_DELETED, "/b"), List.of(), List.of()),
                new Case("a watcher on two calls is called once", List.of(new Watch(Kind.DATA, "/a", "x"),
                        new Watch(Kind.EXIST, "/a", "x")), node(EventType.NODE_DATA_CHANGED, "/a"), List.of("x"), List.of()),
                // persistent watches stay
                new Case("a persistent watcher fires each time", List.of(new Watch(Kind.PERSISTENT, "/a", "p")),
                        node(EventType.NODE_DATA_CHANGED, "/a"), List.of("p"), List.of("p")),
                new Case("a persistent watcher gets children changes", List.of(new Watch(Kind.PERSISTENT, "/a", "p")),
                        node(EventType.NODE_CHILDREN_CHANGED, "/a"), List.of("p"), List.of("p")),
                new Case("a persistent watcher ignores znodes below", List.of(new Watch(Kind.PERSISTENT, "/a", "p")),
                        node(EventType.NODE_CREATED, "/a/b"), List.of(), List.of()),
                new Case("a recursive watcher fires for znodes below", List.of(new Watch(Kind.PERSISTENT_RECURSIVE, "/a", "r")),
                        node(EventType.NODE_CREATED, "/a/b/c"), List.of("r"), List.of("r")),
                new Case("a recursive watcher on / fires for everything", List.of(new Watch(Kind.PERSISTENT_RECURSIVE, "/", "r")),
                        node(EventType.NODE_DELETED, "/x"), List.of("r"), List.of("r")),
                new Case("a recursive watcher takes no children changes", List.of(new Watch(Kind.PERSISTENT_RECURSIVE, "/a", "r")),
                        node(EventType.NODE_CHILDREN_CHANGED, "/a"), List.of(), List.of()),
                new Case("a recursive watcher ignores a sibling with its name as prefix",
                        List.of(new Watch(Kind.PERSISTENT_RECURSIVE, "/a", "r")), node(EventType.NODE_CREATED, "/ab"),
                        List.of(), List.of()),
                // changes of state go to every watcher, the default one first, and end them with the session
                new Case("a disconnect goes to every watcher and keeps them", oneTimeOnA,
                        WatchedEvent.ofState(KeeperState.DISCONNECTED), List.of("default", "d", "e", "c"),
                        List.of("default", "d", "e", "c")),
                new Case("an expiry goes to every watcher and ends them", oneTimeOnA,
                        WatchedEvent.ofState(KeeperState.EXPIRED), List.of("default", "d", "e", "c"), List.of("default")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void notificationGoesToTheWatchersOfItsWatches(Case c) {
        Watchers watchers = new Watchers(DEFAULT);
        Map<String, Named> byName = new HashMap<>();
        for (Watch watch : c.watches()) {
            watchers.add(watch.kind(), watch.path(), byName.computeIfAbsent(watch.watcher(), Named::new));
        }
        assertThat(names(watchers, c.event())).as("first event").containsExactlyInAnyOrderElementsOf(c.firstFires());
        assertThat(names(watchers, c.event())).as("second event").containsExactlyInAnyOrderElementsOf(c.secondFires());
    }

    @ParameterizedTest
    @MethodSource("removals")
    void removedWatchersAreNotCalled(WatcherType type, List<String> stillFire) {
        Watchers watchers = new Watchers(DEFAULT);
        watchers.add(Kind.DATA, "/a", new Named("d"));
        watchers.add(Kind.CHILD, "/a", new Named("c"));
        watchers.add(Kind.PERSISTENT, "/a", new Named("p"));
        watchers.add(Kind.PERSISTENT_RECURSIVE, "/a", new Named("r"));
        watchers.remove("/a", type);
        assertThat(names(watchers, node(EventType.NODE_DELETED, "/a"))).containsExactlyInAnyOrderElementsOf(stillFire);
    }

    @Test
    void eachRemovedWatcherIsOwedTheEventOfItsKindOfWatch() {
        Watchers watchers = new Watchers(DEFAULT);
        Named d = new Named("d");
        Named c = new Named("c");
        Named p = new Named("p");
        watchers.add(Kind.DATA, "/a", d);
        watchers.add(Kind.EXIST, "/a", d);
        watchers.add(Kind.CHILD, "/a", c);
        watchers.add(Kind.CHILD, "/a", d);
        watchers.add(Kind.PERSISTENT_RECURSIVE, "/a", p);
        watchers.add(Kind.DATA, "/b", new Named("elsewhere"));

        assertThat(watchers.remove("/a", WatcherType.ANY)).isEqualTo(Map.of(
                EventType.DATA_WATCH_REMOVED, Set.of(d),
                EventType.CHILD_WATCH_REMOVED, Set.of(c, d),
                EventType.PERSISTENT_WATCH_REMOVED, Set.of(p)));
        assertThat(watchers.remove("/a", WatcherType.ANY)).as("nothing is left to remove").isEmpty();
    }

    static Stream<Arguments> removals() {
        return Stream.of(
                Arguments.of(WatcherType.DATA, List.of("c", "p", "r")),
                Arguments.of(WatcherType.CHILDREN, List.of("d", "p", "r")),
                Arguments.of(WatcherType.PERSISTENT, List.of("d", "c", "r")),
                Arguments.of(WatcherType.PERSISTENT_RECURSIVE, List.of("d", "c", "p")),
                Arguments.of(WatcherType.ANY, List.of()));
    }

    private static List<String> names(Watchers watchers, WatchedEvent event) {
        List<String> names = new ArrayList<>();
        watchers.materialize(event).forEach(watcher -> names.add(((Named) watcher).name()));
        return names;
    }
}
