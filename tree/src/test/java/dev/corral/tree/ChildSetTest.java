package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ChildSet against a HashSet as the model: seeded adds and removes of child paths, some sharing a
 * String hash ("Aa" and "BB" hash alike), through growth, deletion from the middle of probe runs and
 * shrinking back; names are the last path component.
 */
class ChildSetTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 99})
    void behavesAsASetOfPathsAndNamesTheChildren(long seed) {
        Random random = new Random(seed);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            StringBuilder name = new StringBuilder();
            for (int b = 0; b < 6; b++) {
                name.append((i >> b & 1) == 0 ? "Aa" : "BB");
            }
            paths.add("/parent/" + name);
        }
        for (int i = 0; i < 400; i++) {
            paths.add("/parent/n" + i);
        }
        NodeIndex index = indexOf(paths);
        ChildSet set = new ChildSet(index);
        Set<String> model = new HashSet<>();
        for (int op = 0; op < 20_000; op++) {
            String path = paths.get(random.nextInt(paths.size()));
            // Mostly adds first, then mostly removes, so the table grows and shrinks.
            boolean add = random.nextInt(100) < (op < 10_000 ? 70 : 25);
            if (add) {
                assertThat(set.add(index.slot(path))).as("add %s (seed %d, op %d)", path, seed, op).isEqualTo(model.add(path));
            } else {
                assertThat(set.remove(index.slot(path))).as("remove %s (seed %d, op %d)", path, seed, op).isEqualTo(model.remove(path));
            }
            assertThat(set.size()).isEqualTo(model.size());
            if (op % 1_000 == 0) {
                assertSame(set, model);
            }
        }
        assertSame(set, model);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 4})
    void aLargeSetSplitsIntoSegmentsAndStaysASetThroughGrowthAndShrinking(long seed) {
        Random random = new Random(seed);
        int count = ChildSet.SPLIT_CAPACITY;
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            paths.add("/registry/" + Integer.toString(random.nextInt(), 36) + "-" + i);
        }
        NodeIndex index = indexOf(paths);
        ChildSet set = new ChildSet(index);
        Set<String> model = new HashSet<>();
        for (String path : paths) {
            assertThat(set.add(index.slot(path))).isTrue();
            model.add(path);
        }
        assertThat(set.segmented()).as("past three quarters of the split capacity").isTrue();
        assertThat(set.add(index.slot(paths.get(0)))).isFalse();
        for (int op = 0; op < 3 * count; op++) {
            String path = paths.get(random.nextInt(count));
            if (random.nextInt(100) < 70) {
                assertThat(set.remove(index.slot(path))).as("remove %s (seed %d, op %d)", path, seed, op).isEqualTo(model.remove(path));
            } else {
                assertThat(set.add(index.slot(path))).as("add %s (seed %d, op %d)", path, seed, op).isEqualTo(model.add(path));
            }
        }
        assertThat(set.size()).isEqualTo(model.size());
        Set<String> seen = new HashSet<>();
        set.forEachPath(path -> assertThat(seen.add(path)).as("%s twice", path).isTrue());
        assertThat(seen).isEqualTo(model);
        assertThat(set.names()).hasSize(model.size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/a", "/zookeeper/quota", "/a/b/c-0000000007"})
    void aNameIsTheLastComponentOfTheChildsPath(String path) {
        NodeIndex index = indexOf(List.of(path));
        ChildSet set = new ChildSet(index);
        set.add(index.slot(path));
        assertThat(set.names()).containsExactly(path.substring(path.lastIndexOf('/') + 1));
    }

    /** An index holding a znode at each path, so that a set can name them by slot. */
    private static NodeIndex indexOf(List<String> paths) {
        NodeIndex index = new NodeIndex();
        for (String path : paths) {
            index.insert(path, Znode.created(path, new byte[0], List.of(), 1, 0, NodeKind.PERSISTENT, 0, 0));
        }
        return index;
    }

    private static void assertSame(ChildSet set, Set<String> model) {
        Set<String> paths = new HashSet<>();
        set.forEachPath(path -> assertThat(paths.add(path)).as("%s twice", path).isTrue());
        assertThat(paths).isEqualTo(model);
        assertThat(set.names()).hasSize(model.size()).allMatch(name -> model.contains("/parent/" + name));
    }
}
