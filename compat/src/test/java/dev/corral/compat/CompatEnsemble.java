package dev.corral.compat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.EnsembleSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Ensembles for compat's tests: the run's target ({@link CompatRun}), three participants on loopback with
 * the test kit's operator-style zoo.cfg files, logs kept in {@code compat.log.dir}.
 */
final class CompatEnsemble {
    private CompatEnsemble() {}

    /**
     * Starts an ensemble named {@code name} of the run's target, as {@code adjust} changes the default spec
     * (three participants, tickTime=500, initLimit=10, syncLimit=5), and waits until every member serves.
     */
    static Ensemble start(String name, UnaryOperator<EnsembleSpec> adjust) throws IOException, InterruptedException {
        EnsembleSpec spec = EnsembleSpec.of(CompatRun.target(), CompatRun.runtime())
                .withLabel(CompatRun.target().id() + "-" + name)
                .withLogsDirectory(CompatRun.logsDirectory())
                // Four JVMs share two cores with the test: the serial collector keeps each server's GC to one
                // thread, and C1 alone compiles the start-up (ZooKeeper spends seconds initialising TLS for its
                // quorum even when unused) with less CPU. Correctness tests; no figure here is a benchmark.
                .withJvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        return Ensemble.start(adjust.apply(spec));
    }

    /** Every member's client address in server id order, for {@link OrderedHostProvider}. */
    static List<InetSocketAddress> clientAddresses(Ensemble ensemble) {
        return ensemble.members().stream().map(member -> new InetSocketAddress("127.0.0.1", member.clientPort())).toList();
    }
}
