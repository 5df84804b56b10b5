package dev.corral.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The bench command (bench/run.sh): {@code compare} runs the side-by-side comparison and writes a report; {@code failover} kills ensemble leaders and reports how fast each target serves again;
 * {@code load} runs one load spec against a server already running.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {Compare.class, Failover.class, LoadCommand.class},
        description = "Corral's benchmark suite: Corral side by side with Apache ZooKeeper.")
public final class Bench implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Bench());
        if (args.length > 0 && args[0].equals("compare")) {
            Compare compare = commandLine.getSubcommands().get("compare").getCommand();
            compare.commandLine = "bench/run.sh " + String.join(" ", args);
        } else if (args.length > 0 && args[0].equals("failover")) {
            Failover failover = commandLine.getSubcommands().get("failover").getCommand();
            failover.commandLine = "bench/run.sh " + String.join(" ", args);
        }
        System.exit(commandLine.execute(args));
    }
}
