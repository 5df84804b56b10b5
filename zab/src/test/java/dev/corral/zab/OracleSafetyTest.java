package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.Zxid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ZAB's safety must not rest on the election: whatever servers lead and whomever the others follow (any
 * leader oracle, including two leaders at once and learners switching between them), at most one leader
 * establishes each epoch and every server delivers one and the same history. Seeded runs force random
 * roles on real Peers (through {@link PeerHarness}), deliver and drop random links' messages, tick and
 * propose, and check both after every step. This is the fault mode the review found missing from the
 * simulator (its finding S1 broke exactly this).
 */
class OracleSafetyTest {
    private static final int STEPS = 3_000;

    @ParameterizedTest(name = "{0} voters")
    @ValueSource(ints = {3, 5})
    void anyLeaderOracleKeepsOneLeaderPerEpochAndOneHistory(int voters) {
        int seeds = Integer.getInteger("oracle.seeds", 150);
        long epochs = 0;
        long deliveries = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            long[] counts = run(seed, voters);
            epochs += counts[0];
            deliveries += counts[1];
        }
        System.out.printf("%d voters, %d seeds: %d epochs established, %d txns delivered%n", voters, seeds, epochs, deliveries);
        // The runs must reach the states they check: leaders established and txns committed in many seeds.
        assertThat(epochs).isGreaterThan(seeds);
        assertThat(deliveries).isGreaterThan(10L * seeds);
    }

    /** Runs one seed; returns the epochs established and the txns delivered over all servers. */
    private static long[] run(long seed, int voterCount) {
        PeerHarness[] holder = new PeerHarness[1];
        try {
            return runChecked(seed, voterCount, holder);
        } catch (AssertionError | IllegalStateException e) {
            List<String> trace = holder[0].trace;
            throw new AssertionError(e.getMessage() + "\n--- last events of seed " + seed + " ---\n"
                    + String.join("\n", trace.subList(Math.max(0, trace.size() - 150), trace.size())), e);
        }
    }

    private static long[] runChecked(long seed, int voterCount, PeerHarness[] holder) {
        Random random = new Random(seed);
        PeerHarness ensemble = new PeerHarness();
        holder[0] = ensemble;
        Set<Long> voters = new TreeSet<>();
        for (long id = 1; id <= voterCount; id++) {
            voters.add(id);
        }
        for (long id : voters) {
            ensemble.add(id, voters, Set.of(), DurableState.empty());
        }
        Map<Long, Long> leaderOfEpoch = new HashMap<>();
        Map<Long, LogEntry> committed = new HashMap<>();
        Map<Long, Long> successor = new HashMap<>();
        Map<Long, Integer> checkedDeliveries = new HashMap<>();
        List<Long> ids = new ArrayList<>(voters);
        int writes = 0;
        for (int step = 0; step < STEPS; step++) {
            long id = ids.get(random.nextInt(ids.size()));
            int action = random.nextInt(1000);
            if (action < 15) {
                ensemble.lead(id);
            } else if (action < 45) {
                // Mostly follow a server that leads, sometimes any server (a wrong oracle).
                List<Long> leading = new ArrayList<>();
                for (long other : ids) {
                    if (ensemble.peer(other).state() == ServerState.LEADING) {
                        leading.add(other);
                    }
                }
                long leader = !leading.isEmpty() && random.nextInt(4) > 0 ? leading.get(random.nextInt(leading.size()))
                        : ids.get(random.nextInt(ids.size()));
                if (leader != id) {
                    ensemble.follow(id, leader);
                }
            } else if (action < 200) {
                for (long other : ids) {
                    if (ensemble.peer(other).canPropose() && random.nextBoolean()) {
                        ensemble.propose(other, "write " + ++writes + " by " + other);
                    }
                }
            } else if (action < 260) {
                ensemble.tick(id);
            } else {
                List<long[]> busy = ensemble.busyLinks();
                if (!busy.isEmpty()) {
                    long[] link = busy.get(random.nextInt(busy.size()));
                    ensemble.deliverOne(link[0], link[1]);
                }
            }
            for (long server : ids) {
                long epoch = ensemble.peer(server).leadingEpoch();
                if (epoch >= 0) {
                    Long first = leaderOfEpoch.putIfAbsent(epoch, server);
                    assertThat(first).as("seed %d step %d: epoch %d established by %d and %d", seed, step, epoch, first, server)
                            .isIn(null, server);
                }
                List<LogEntry> delivered = ensemble.delivered(server);
                int from = checkedDeliveries.getOrDefault(server, 0);
                long previous = from == 0 ? 0 : delivered.get(from - 1).zxid();
                for (int i = from; i < delivered.size(); i++) {
                    LogEntry entry = delivered.get(i);
                    if (entry.txn() == null) {
                        assertThat(entry.zxid() == 0 || committed.containsKey(entry.zxid()))
                                .as("seed %d step %d: server %d restored a state at %s no server delivered", seed, step, server,
                                        Zxid.hex(entry.zxid()))
                                .isTrue();
                        previous = entry.zxid();
                        continue;
                    }
                    LogEntry known = committed.putIfAbsent(entry.zxid(), entry);
                    assertThat(known == null || Arrays.equals(known.txn(), entry.txn()))
                            .as("seed %d step %d: server %d delivered another txn at %s", seed, step, server, Zxid.hex(entry.zxid()))
                            .isTrue();
                    Long next = successor.putIfAbsent(previous, entry.zxid());
                    assertThat(next == null || next == entry.zxid())
                            .as("seed %d step %d: server %d delivered %s after %s, the history has %s", seed, step, server,
                                    Zxid.hex(entry.zxid()), Zxid.hex(previous), next == null ? "-" : Zxid.hex(next))
                            .isTrue();
                    previous = entry.zxid();
                }
                checkedDeliveries.put(server, delivered.size());
            }
        }
        long deliveries = 0;
        for (long server : ids) {
            deliveries += ensemble.delivered(server).stream().filter(e -> e.txn() != null).count();
        }
        return new long[] {leaderOfEpoch.size(), deliveries};
    }
}
