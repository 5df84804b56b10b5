package dev.corral.cli;

import dev.corral.sim.SimFailure;
import dev.corral.sim.SimOptions;
import dev.corral.sim.Simulation;
import dev.corral.zab.PlantedBug;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code corral sim}: runs the seeded simulator of whole ensembles (module {@code sim}). Each seed is a
 * safety phase under faults and a liveness phase on a healed ensemble; a failed seed prints what broke,
 * the trace's tail and the command that replays it. Ends with the plain line {@code N passed, M failed}.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the seeded ensemble simulator: faults, then healing; every invariant checked after every event."},
        footer = {"", "Exit status: 0 every seed passed, 1 a seed failed, 2 bad usage."})
final class SimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seeds", paramLabel = "N", description = "how many seeds to run (default 100)")
    long seeds = 100;

    @Option(names = "--first", paramLabel = "S", description = "the first seed (default 1)")
    long first = 1;

    @Option(names = "--seed", paramLabel = "S", description = "run this one seed only")
    Long seed;

    @Option(names = "--servers", paramLabel = "V", description = "voters in the ensemble (default 3)")
    int voters = 3;

    @Option(names = "--observers", paramLabel = "K", description = "observers in the ensemble (default 0)")
    int observers;

    @Option(names = "--clients", paramLabel = "C", description = "whole servers (Node over Peer) with C simulated clients speaking"
            + " the client protocol, a linearizability check at the end; 0 (default): the Peers replicate a hash chain")
    int clients;

    @Option(names = "--trace", description = "with --seed: print the whole trace of the run")
    boolean trace;

    @Option(names = "--plant", paramLabel = "BUG", description = "plant a deliberate bug to see the checkers catch it: ${COMPLETION-CANDIDATES}")
    PlantedBug plant = PlantedBug.NONE;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (voters < 1 || observers < 0 || voters + observers > 255 || clients < 0 || clients > 1000) {
            out.println("corral sim: --servers must be at least 1, servers plus observers at most 255, --clients 0 to 1000");
            return 2;
        }
        long from = seed != null ? seed : first;
        long count = seed != null ? 1 : seeds;
        long passed = 0;
        long failed = 0;
        long start = System.nanoTime();
        for (long s = from; s < from + count; s++) {
            Simulation simulation = new Simulation(s, SimOptions.defaults(voters, observers).withPlantedBug(plant).withClients(clients),
                    trace && count == 1);
            try {
                simulation.run();
                passed++;
            } catch (SimFailure failure) {
                failed++;
                out.println(failure.getMessage());
            } finally {
                if (trace && count == 1) {
                    simulation.fullTrace().forEach(out::println);
                }
            }
            out.flush();
        }
        long ms = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        out.printf("%d seeds in %d ms (%.0f seeds/minute)%n", count, ms, count * 60_000.0 / ms);
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
