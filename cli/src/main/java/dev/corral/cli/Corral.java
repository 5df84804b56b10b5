package dev.corral.cli;

import dev.corral.cli.shell.ShellCommand;
import dev.corral.server.ConfigException;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code corral} command: {@code corral server [--config zoo.cfg]}, and the storage tools
 * {@code purge}, {@code log} and {@code snapshot} (ZooKeeper's zkCleanup.sh, LogFormatter and
 * SnapshotFormatter), {@code sim}, the seeded ensemble simulator, and {@code import-zookeeper} and
 * {@code export-zookeeper}, the way from a ZooKeeper data directory to Corral and back. Without a subcommand it prints its usage and exits with status 2.
 */
@Command(name = "corral", mixinStandardHelpOptions = true, version = CorralServer.VERSION,
        description = "Corral: a coordination service that speaks ZooKeeper's client protocol.",
        subcommands = {Corral.Server.class, ShellCommand.class, PurgeCommand.class, LogCommand.class, SnapshotCommand.class,
            SimCommand.class, ImportZooKeeperCommand.class, ExportZooKeeperCommand.class, CdsTraining.class})
public final class Corral implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Corral.class);

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        Server server = Server.plain(args);
        if (server != null) {
            System.exit(server.callAsPicocliWould());
        }
        CommandLine commandLine = new CommandLine(new Corral());
        // Buffered, and straight on the file descriptor: the tools print millions of lines, and a write
        // error (stdout closed by `| head`) must reach PrintWriter#checkError so that they stop early;
        // System.out would swallow it.
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                Charset.defaultCharset()), 1 << 16));
        commandLine.setOut(out);
        int exit = commandLine.execute(args);
        out.flush();
        System.exit(exit);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command: server, shell, purge, log, snapshot, sim, import-zookeeper or export-zookeeper");
    }

    /** Starts a standalone server and serves until the process is stopped. */
    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Start a standalone server (defaults: 127.0.0.1:2181, data under ./data).")
    static final class Server implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "a zoo.cfg to read, as ZooKeeper reads it")
        Path config;

        @Option(names = "--rejoining", description = "this ensemble member's data directory was lost or replaced: it"
                + " votes and acks in no quorum until it has synchronized with a leader once, so that what it acked"
                + " before the loss stays committed (the same as -D" + ServerConfig.REJOINING_PROPERTY + "=true)")
        boolean rejoining;

        /**
         * The server command when {@code args} are {@code server} with nothing but {@code --config FILE} (or
         * {@code -c FILE}, {@code --config=FILE}) and {@code --rejoining}, else null. Those are parsed here
         * without picocli: its classes are compiled for Java 5, which class-data sharing does not archive,
         * so building the command line loads and verifies some 170 classes from its jar, about 0.1-0.2 s of
         * every start (and of every restart that recovers a large tree, issue 16). Anything else (help,
         * version, an unknown or repeated option, a missing value, a path the file system refuses) goes to
         * picocli, which answers as before.
         */
        static Server plain(String[] args) {
            if (args.length == 0 || !args[0].equals("server")) {
                return null;
            }
            try {
                return plainArguments(args);
            } catch (java.nio.file.InvalidPathException e) {
                return null;
            }
        }

        private static Server plainArguments(String[] args) {
            Server server = new Server();
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--rejoining") && !server.rejoining) {
                    server.rejoining = true;
                } else if ((arg.equals("--config") || arg.equals("-c")) && i + 1 < args.length && server.config == null
                        && !args[i + 1].startsWith("-")) {
                    server.config = Path.of(args[++i]);
                } else if (arg.startsWith("--config=") && arg.length() > "--config=".length() && server.config == null) {
                    server.config = Path.of(arg.substring("--config=".length()));
                } else {
                    return null;
                }
            }
            return server;
        }

        /** {@link #call}, with what picocli does with its outcome: an exception is printed and exits with status 1. */
        int callAsPicocliWould() {
            try {
                return call();
            } catch (Exception e) {
                e.printStackTrace();
                return 1;
            }
        }

        @Override
        public Integer call() throws Exception {
            if (rejoining) {
                // Read with the other -D settings by ServerConfig, as a zkServer.sh-style SERVER_JVMFLAGS would give it.
                System.setProperty(ServerConfig.REJOINING_PROPERTY, "true");
            }
            ServerConfig serverConfig;
            try {
                serverConfig = config == null ? ServerConfig.defaults() : ServerConfig.load(config);
            } catch (ConfigException e) {
                System.err.println("corral: " + e.getMessage());
                return 2;
            }
            serverConfig.warnings().forEach(warning -> LOG.warn("{}", warning));
            CorralServer server = new CorralServer(serverConfig);
            try {
                server.start();
            } catch (java.io.IOException e) {
                System.err.println("corral: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("Stopping");
                server.close();
                stopped.countDown();
            }, "corral-shutdown"));
            stopped.await();
            return 0;
        }
    }
}
