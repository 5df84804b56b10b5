package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.zookeeper.ZooKeeper;

/**
 * What every ensemble test checks at its end: each server, read alone through a client of its own after
 * {@code sync} ({@link SubtreeListing}), has the same subtree as server 1, and that subtree holds every
 * acknowledged write with its value.
 */
final class ReplicatedTrees {
    private ReplicatedTrees() {}

    /**
     * Asserts that every member's subtree at {@code root} equals server 1's and holds each of {@code acked}
     * (path -> value); returns server 1's listing.
     */
    static SortedMap<String, String> assertIdenticalWithEveryAck(Ensemble ensemble, Clients clients, String root,
            Map<String, String> acked, int sessionTimeoutMs) throws Exception {
        Map<Integer, SortedMap<String, String>> trees = new TreeMap<>();
        for (Ensemble.Member member : ensemble.members()) {
            ZooKeeper reader = clients.zk(member.connectString(), sessionTimeoutMs, event -> { });
            trees.put(member.serverId(), SubtreeListing.read(reader, root));
        }
        SortedMap<String, String> first = trees.get(ensemble.members().get(0).serverId());
        for (Map.Entry<Integer, SortedMap<String, String>> tree : trees.entrySet()) {
            assertThat(tree.getValue()).as("server %d's tree equals server 1's", tree.getKey()).isEqualTo(first);
            for (Map.Entry<String, String> write : acked.entrySet()) {
                assertThat(tree.getValue().get(write.getKey())).as("acknowledged %s on server %d", write.getKey(), tree.getKey())
                        .startsWith(write.getValue() + " ");
            }
        }
        return first;
    }
}
