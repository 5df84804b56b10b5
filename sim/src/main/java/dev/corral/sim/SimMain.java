package dev.corral.sim;

/**
 * Runs seeds from the command line: {@code --seeds N} (from {@code --first}) or one {@code --seed S},
 * {@code --servers V}, {@code --observers K}, {@code --trace} for the whole trace of a single seed. Ends
 * with the plain line {@code N passed, M failed}; the exit status is 1 when a seed failed.
 */
public final class SimMain {
    private SimMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, java.io.PrintStream out) {
        long seeds = 100;
        long first = 1;
        int voters = 3;
        int observers = 0;
        boolean trace = false;
        dev.corral.zab.PlantedBug plant = dev.corral.zab.PlantedBug.NONE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Long.parseLong(args[++i]);
                case "--first" -> first = Long.parseLong(args[++i]);
                case "--seed" -> {
                    first = Long.parseLong(args[++i]);
                    seeds = 1;
                }
                case "--servers" -> voters = Integer.parseInt(args[++i]);
                case "--observers" -> observers = Integer.parseInt(args[++i]);
                case "--trace" -> trace = true;
                case "--plant" -> plant = dev.corral.zab.PlantedBug.valueOf(args[++i]);
                default -> {
                    out.println("unknown option " + args[i]
                            + "; usage: sim [--seeds N [--first S] | --seed S] [--servers 3|5] [--observers K] [--trace]");
                    return 2;
                }
            }
        }
        long passed = 0;
        long failed = 0;
        long start = System.nanoTime();
        for (long seed = first; seed < first + seeds; seed++) {
            Simulation simulation = new Simulation(seed, SimOptions.defaults(voters, observers).withPlantedBug(plant),
                    trace && seeds == 1);
            try {
                simulation.run();
                passed++;
            } catch (SimFailure failure) {
                failed++;
                out.println(failure.getMessage());
            } finally {
                if (trace && seeds == 1) {
                    simulation.fullTrace().forEach(out::println);
                }
            }
        }
        long ms = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        out.printf("%d seeds in %d ms (%.0f seeds/minute)%n", seeds, ms, seeds * 60_000.0 / ms);
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
