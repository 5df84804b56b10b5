package dev.corral.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** ZnodeMap behaves as a TreeMap, version after version, whatever the order its entries came in. */
class ZnodeMapTest {

    @Test
    void agreesWithATreeMapOnRandomUpdates() {
        for (long seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            TreeMap<String, ZkState.Znode> expected = new TreeMap<>();
            ZnodeMap map = ZnodeMap.EMPTY;
            List<ZnodeMap> versions = new ArrayList<>();
            List<Map<String, ZkState.Znode>> expectedVersions = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String key = "/k" + random.nextInt(60);
                if (random.nextInt(3) == 0) {
                    expected.remove(key);
                    map = map.without(key);
                } else {
                    ZkState.Znode value = new ZkState.Znode("d" + random.nextInt(5), random.nextInt(3), 0);
                    expected.put(key, value);
                    map = map.with(key, value);
                }
                versions.add(map);
                expectedVersions.add(new TreeMap<>(expected));

                String probe = "/k" + random.nextInt(70);
                assertThat(map.get(probe)).isEqualTo(expected.get(probe));
                assertThat(map.ceilingKey(probe)).isEqualTo(expected.ceilingKey(probe));
                assertThat(map.size()).isEqualTo(expected.size());
            }
            // Older versions are untouched by later updates, and equal maps built in another order are equal.
            for (int v = 0; v < versions.size(); v += 37) {
                assertThat(versions.get(v).toString()).isEqualTo(expectedVersions.get(v).toString());
                ZnodeMap rebuilt = rebuiltInRandomOrder(expectedVersions.get(v), random);
                assertThat(rebuilt).isEqualTo(versions.get(v)).hasSameHashCodeAs(versions.get(v));
                assertThat(versions.get(v).hashCode()).isEqualTo(expectedVersions.get(v).hashCode());
            }
        }
    }

    @Test
    void mapsThatDifferInOneValueAreNotEqual() {
        ZnodeMap a = ZnodeMap.EMPTY.with("/a", new ZkState.Znode("x", 0, 0)).with("/b", new ZkState.Znode("y", 0, 0));
        ZnodeMap b = ZnodeMap.EMPTY.with("/a", new ZkState.Znode("x", 0, 0)).with("/b", new ZkState.Znode("y", 1, 0));

        assertThat(a).isNotEqualTo(b);
        assertThat(a.without("/b")).isEqualTo(b.without("/b"));
    }

    private static ZnodeMap rebuiltInRandomOrder(Map<String, ZkState.Znode> entries, Random random) {
        List<String> keys = new ArrayList<>(entries.keySet());
        Collections.shuffle(keys, random);
        ZnodeMap map = ZnodeMap.EMPTY;
        for (String key : keys) {
            map = map.with(key, entries.get(key));
        }
        return map;
    }
}
