package dev.corral.bench;

import java.util.Locale;

/**
 * One leader kill of the failover workload, as written to failover.jsonl and the console. Times are in
 * milliseconds from the moment the SIGKILL was sent; -1 where the figure was not reached (then
 * {@code failure} says why).
 *
 * @param killedLeader  server id of the leader that was killed
 * @param newLeader     server id of the leader every survivor followed afterwards
 * @param survivor      server id of the survivor the write went through
 * @param servingMs     until every survivor's {@code srvr} said leader or follower, with exactly one leader
 * @param firstWriteMs  until a create through a client connected to {@code survivor} alone was acknowledged
 * @param writeAttempts creates tried until then (those before failed with connection loss)
 * @param rejoinMs      from restarting the killed server until it served and every member agreed on the leader
 * @param loadAverage   the machine's 1-minute load average just before the kill
 */
record FailoverRound(String server, int round, int killedLeader, int newLeader, int survivor, long servingMs,
        long firstWriteMs, int writeAttempts, long rejoinMs, double loadAverage, String failure) {

    boolean measured() {
        return failure == null && servingMs >= 0 && firstWriteMs >= 0;
    }

    String toJson() {
        return new Json().field("server", server).field("round", round).field("killedLeader", killedLeader)
                .field("newLeader", newLeader).field("survivor", survivor).field("servingMs", servingMs)
                .field("firstWriteMs", firstWriteMs).field("writeAttempts", writeAttempts).field("rejoinMs", rejoinMs)
                .field("loadAverage", loadAverage).field("failure", failure).toString();
    }

    String toHuman() {
        String text = String.format(Locale.ROOT, "%-9s round %d: killed leader %d; every survivor serving after %5d ms"
                        + " (new leader %d); first write through survivor %d after %5d ms (%d attempts); rejoined after %5d ms;"
                        + " load %.2f", server, round, killedLeader, servingMs, newLeader, survivor, firstWriteMs,
                writeAttempts, rejoinMs, loadAverage);
        return failure == null ? text : text + "  PROBLEM: " + failure;
    }
}
