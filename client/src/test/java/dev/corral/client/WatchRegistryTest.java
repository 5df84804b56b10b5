package dev.corral.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.client.WatchRegistry.Kind;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetWatches2;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The watches a client keeps to set again after a reconnect: which notification drops which one-time
 * watch (ZooKeeper 3.9: ZKWatchManager#materialize), what removeWatches drops, and how they are batched
 * into SetWatches and SetWatches2 (ClientCnxn.SendThread#primeConnection).
 */
class WatchRegistryTest {
    /** Watches held, then a notification or a removal, and what is left. */
    record Case(String name, Map<Kind, List<String>> held, Change change, Map<Kind, List<String>> left) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Change {
        void apply(WatchRegistry watches);
    }

    private static final Map<Kind, List<String>> ALL_ON_A = Map.of(Kind.DATA, List.of("/a"), Kind.EXIST, List.of("/a"),
            Kind.CHILD, List.of("/a"), Kind.PERSISTENT, List.of("/a"), Kind.PERSISTENT_RECURSIVE, List.of("/a"));

    private static Change notify(EventType type, String path) {
        return watches -> watches.onNotification(type, path);
    }

    private static Change remove(WatcherType watcherType, String path) {
        return watches -> watches.onRemoved(path, watcherType);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Notifications drop the one-time watches they fire, never the persistent ones.
                new Case("a data change fires data and exist watches", ALL_ON_A, notify(EventType.NODE_DATA_CHANGED, "/a"),
                        Map.of(Kind.CHILD, List.of("/a"), Kind.PERSISTENT, List.of("/a"), Kind.PERSISTENT_RECURSIVE, List.of("/a"))),
                new Case("a create fires data and exist watches", ALL_ON_A, notify(EventType.NODE_CREATED, "/a"),
                        Map.of(Kind.CHILD, List.of("/a"), Kind.PERSISTENT, List.of("/a"), Kind.PERSISTENT_RECURSIVE, List.of("/a"))),
                new Case("a children change fires child watches", ALL_ON_A, notify(EventType.NODE_CHILDREN_CHANGED, "/a"),
                        Map.of(Kind.DATA, List.of("/a"), Kind.EXIST, List.of("/a"), Kind.PERSISTENT, List.of("/a"),
                                Kind.PERSISTENT_RECURSIVE, List.of("/a"))),
                new Case("a delete fires every one-time watch", ALL_ON_A, notify(EventType.NODE_DELETED, "/a"),
                        Map.of(Kind.PERSISTENT, List.of("/a"), Kind.PERSISTENT_RECURSIVE, List.of("/a"))),
                new Case("a notification elsewhere fires nothing here", ALL_ON_A, notify(EventType.NODE_DELETED, "/b"), ALL_ON_A),
                new Case("a state change fires nothing", ALL_ON_A, notify(EventType.NONE, null), ALL_ON_A),
                // removeWatches drops what its WatcherType names.
                new Case("removing child watches", ALL_ON_A, remove(WatcherType.CHILDREN, "/a"),
                        Map.of(Kind.DATA, List.of("/a"), Kind.EXIST, List.of("/a"), Kind.PERSISTENT, List.of("/a"),
                                Kind.PERSISTENT_RECURSIVE, List.of("/a"))),
                new Case("removing data watches takes exist watches too", ALL_ON_A, remove(WatcherType.DATA, "/a"),
                        Map.of(Kind.CHILD, List.of("/a"), Kind.PERSISTENT, List.of("/a"), Kind.PERSISTENT_RECURSIVE, List.of("/a"))),
                new Case("removing persistent watches", ALL_ON_A, remove(WatcherType.PERSISTENT, "/a"),
                        Map.of(Kind.DATA, List.of("/a"), Kind.EXIST, List.of("/a"), Kind.CHILD, List.of("/a"),
                                Kind.PERSISTENT_RECURSIVE, List.of("/a"))),
                new Case("removing persistent recursive watches", ALL_ON_A, remove(WatcherType.PERSISTENT_RECURSIVE, "/a"),
                        Map.of(Kind.DATA, List.of("/a"), Kind.EXIST, List.of("/a"), Kind.CHILD, List.of("/a"),
                                Kind.PERSISTENT, List.of("/a"))),
                new Case("removing any watch", ALL_ON_A, remove(WatcherType.ANY, "/a"), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void notificationsAndRemovalsDropTheWatchesZooKeepersClientDrops(Case c) {
        WatchRegistry watches = new WatchRegistry();
        c.held().forEach((kind, paths) -> paths.forEach(path -> watches.add(kind, path)));
        c.change().apply(watches);
        for (Kind kind : Kind.values()) {
            assertThat(watches.paths(kind)).as(kind.name()).isEqualTo(c.left().getOrDefault(kind, List.of()));
        }
        assertThat(watches.size()).isEqualTo(c.left().values().stream().mapToInt(List::size).sum());
    }

    @Test
    void oneTimeWatchesOnlyGoInASetWatchesWhichOlderServersUnderstand() {
        WatchRegistry watches = new WatchRegistry();
        watches.add(Kind.DATA, "/d");
        watches.add(Kind.EXIST, "/e");
        watches.add(Kind.CHILD, "/c");
        assertThat(watches.setWatches(7)).containsExactly(new WatchRegistry.Batch(OpCode.SET_WATCHES,
                new SetWatches2(7, List.of("/d"), List.of("/e"), List.of("/c"), List.of(), List.of())));
    }

    @Test
    void persistentWatchesGoInASetWatches2() {
        WatchRegistry watches = new WatchRegistry();
        watches.add(Kind.DATA, "/d");
        watches.add(Kind.PERSISTENT, "/p");
        watches.add(Kind.PERSISTENT_RECURSIVE, "/r");
        assertThat(watches.setWatches(9)).containsExactly(new WatchRegistry.Batch(OpCode.SET_WATCHES2,
                new SetWatches2(9, List.of("/d"), List.of(), List.of(), List.of("/p"), List.of("/r"))));
    }

    @Test
    void noWatchesNoSetWatches() {
        assertThat(new WatchRegistry().setWatches(1)).isEmpty();
    }

    @Test
    void manyWatchesAreSplitIntoBatchesOfAbout128KiBOfPathsEachWithEveryPathOnce() {
        WatchRegistry watches = new WatchRegistry();
        List<String> expected = new ArrayList<>();
        String name = "x".repeat(999);
        for (int i = 0; i < 300; i++) {
            String path = "/" + name.substring(0, 990) + String.format("%08d", i);
            expected.add(path);
            watches.add(i % 2 == 0 ? Kind.DATA : Kind.CHILD, path);
        }
        List<WatchRegistry.Batch> batches = watches.setWatches(3);
        assertThat(batches).hasSize(3);
        List<String> sent = new ArrayList<>();
        for (WatchRegistry.Batch batch : batches) {
            SetWatches2 set = batch.watches();
            int chars = Stream.of(set.dataWatches(), set.existWatches(), set.childWatches()).flatMap(List::stream)
                    .mapToInt(String::length).sum();
            assertThat(chars).isLessThan(WatchRegistry.SET_WATCHES_CHARS_MAX + 1000);
            sent.addAll(set.dataWatches());
            sent.addAll(set.childWatches());
        }
        assertThat(sent).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aWatchAddedTwiceIsKeptOnce() {
        WatchRegistry watches = new WatchRegistry();
        watches.add(Kind.DATA, "/a");
        watches.add(Kind.DATA, "/a");
        assertThat(watches.size()).isEqualTo(1);
    }
}
