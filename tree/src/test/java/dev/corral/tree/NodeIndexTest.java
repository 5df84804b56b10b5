package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NodeIndex against a HashMap as the model: seeded random puts, replacements and removals over a key
 * space small enough that slots and table entries are reused many times, with keys that collide on
 * String's hash (built from "Aa" and "BB", which hash alike) so long probe runs form and are deleted
 * from the middle.
 */
class NodeIndexTest {
    private static final int OPERATIONS = 60_000;

    /**
     * With {@code tagBits} of 27 the entries' tags narrow as the slots pass 15, 31, 63 ... 2,047, so every
     * narrowing happens under puts, removals and slot reuse; with 30 they start one bit wide.
     */
    @ParameterizedTest(name = "seed {0}, tags of {1} bits")
    @CsvSource({"1, 7", "2, 7", "3, 7", "42, 7", "4, 27", "5, 27", "6, 0", "7, 30"})
    void behavesAsAMapThroughGrowthDeletionAndSlotReuse(long seed, int tagBits) {
        Random random = new Random(seed);
        List<String> keys = keys(random);
        NodeIndex index = new NodeIndex(tagBits);
        Map<String, Znode> model = new HashMap<>();
        for (int op = 0; op < OPERATIONS; op++) {
            String key = keys.get(random.nextInt(keys.size()));
            // Grow for the first third, then hover around a steady size, then shrink.
            int phase = 3 * op / OPERATIONS;
            int removeChance = phase == 0 ? 20 : phase == 1 ? 50 : 80;
            if (random.nextInt(100) < removeChance) {
                assertThat(index.remove(key)).as("remove %s (seed %d, op %d)", key, seed, op).isSameAs(model.remove(key));
            } else {
                Znode node = znode(key, op);
                assertThat(put(index, key, node)).as("put %s (seed %d, op %d)", key, seed, op).isSameAs(model.put(key, node));
            }
            assertThat(index.size()).isEqualTo(model.size());
            String probe = keys.get(random.nextInt(keys.size()));
            assertThat(index.get(probe)).as("get %s (seed %d, op %d)", probe, seed, op).isSameAs(model.get(probe));
            assertThat(index.containsKey(probe)).isEqualTo(model.containsKey(probe));
            if (op % 5_000 == 0) {
                assertSameContents(index, model);
            }
        }
        assertSameContents(index, model);
        for (String key : keys) {
            index.remove(key);
        }
        assertThat(index.size()).isZero();
        assertThat(index.get(keys.get(0))).isNull();
    }

    @ParameterizedTest(name = "{0} znodes")
    @ValueSource(ints = {0, 1, 17, 5_000, NodeIndex.PAGE_SLOTS * 3 + 5})
    void anImageKeepsTheStateOfItsMomentWhileTheIndexChanges(int count) {
        NodeIndex index = new NodeIndex();
        Map<String, Znode> model = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Znode node = znode("/n" + i, i);
            put(index, "/n" + i, node);
            model.put("/n" + i, node);
        }
        for (int i = 0; i < count; i += 3) {
            index.remove("/n" + i);
            model.remove("/n" + i);
        }
        NodeIndex.Image image = index.image();
        put(index, "/after", znode("/after", -1));
        for (int i = 1; i < count; i += 3) {
            put(index, "/n" + i, znode("/n" + i, -2));
        }
        index.clear();

        Map<String, Znode> imaged = new HashMap<>();
        for (Znode node : image.nodes()) {
            if (node != null) {
                assertThat(imaged.put(node.path(), node)).as("path in two slots").isNull();
            }
        }
        assertThat(image.size()).isEqualTo(model.size());
        assertThat(imaged).containsExactlyInAnyOrderEntriesOf(model);
    }

    /** With {@code presized}, the index is first emptied for the count it will hold, as a snapshot load does. */
    @ParameterizedTest(name = "seed {0}, presized {1}, tags of {2} bits")
    @CsvSource({"5, false, 7", "6, false, 7", "7, true, 7", "8, true, 7", "9, false, 26", "10, true, 16"})
    void manyZnodesSpreadOverEverySegmentAndPageAndComeBackOut(long seed, boolean presized, int tagBits) {
        Random random = new Random(seed);
        NodeIndex index = new NodeIndex(tagBits);
        Map<String, Znode> model = new HashMap<>();
        int count = 40 * NodeIndex.SEGMENTS + 7 * NodeIndex.PAGE_SLOTS;
        if (presized) {
            index.clear(count);
        }
        for (int i = 0; i < count; i++) {
            String path = "/many/" + Integer.toString(random.nextInt(), 36) + "-" + i;
            Znode node = znode(path, i);
            assertThat(put(index, path, node)).isNull();
            model.put(path, node);
        }
        assertSameContents(index, model);
        List<String> paths = new ArrayList<>(model.keySet());
        for (int i = 0; i < paths.size(); i += 2) {
            assertThat(index.remove(paths.get(i))).isSameAs(model.remove(paths.get(i)));
        }
        for (String path : paths) {
            assertThat(index.get(path)).as(path).isSameAs(model.get(path));
        }
        assertThat(index.size()).isEqualTo(model.size());
        assertThat(index.image().size()).isEqualTo(model.size());
    }

    private static void assertSameContents(NodeIndex index, Map<String, Znode> model) {
        Map<String, Znode> seen = new HashMap<>();
        index.forEach(node -> assertThat(seen.put(node.path(), node)).as("%s visited twice", node.path()).isNull());
        assertThat(seen).containsExactlyInAnyOrderEntriesOf(model);
    }

    /** 3,000 keys, a third of them in groups that share one String hash. */
    private static List<String> keys(Random random) {
        List<String> keys = new ArrayList<>();
        for (int group = 0; group < 125; group++) {
            // Eight strings of "Aa"/"BB" blocks with the same hash, behind a common prefix.
            for (int bits = 0; bits < 8; bits++) {
                StringBuilder key = new StringBuilder("/c").append(group).append('/');
                for (int b = 0; b < 3; b++) {
                    key.append((bits >> b & 1) == 0 ? "Aa" : "BB");
                }
                keys.add(key.toString());
            }
        }
        for (int i = 0; keys.size() < 3_000; i++) {
            keys.add("/k" + Integer.toString(random.nextInt(1 << 20), 36) + "/" + i);
        }
        return keys;
    }

    private static Znode znode(String path, int version) {
        return Znode.created(path, new byte[] {(byte) version}, List.of(), version, 0, NodeKind.PERSISTENT, 0, 0);
    }

    /** Maps {@code path} to {@code node} as a map's put does; returns the znode it replaced, or null. */
    private static Znode put(NodeIndex index, String path, Znode node) {
        int slot = index.slot(path);
        if (slot < 0) {
            assertThat(index.node(index.insert(path, node))).isSameAs(node);
            return null;
        }
        Znode previous = index.node(slot);
        index.replace(slot, node);
        return previous;
    }
}
