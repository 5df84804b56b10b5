package dev.corral.cli;

import dev.corral.server.ConfigException;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code corral} command: {@code corral server [--config zoo.cfg]} and, later, shell and storage tools. */
@Command(name = "corral", mixinStandardHelpOptions = true, version = CorralServer.VERSION,
        description = "Corral: a coordination service that speaks ZooKeeper's client protocol.",
        subcommands = {Corral.Server.class})
public final class Corral {
    private static final Logger LOG = LoggerFactory.getLogger(Corral.class);

    public static void main(String[] args) {
        System.exit(new CommandLine(new Corral()).execute(args));
    }

    /** Starts a standalone server and serves until the process is stopped. */
    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Start a standalone server (defaults: 127.0.0.1:2181, data under ./data).")
    static final class Server implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "a zoo.cfg to read, as ZooKeeper reads it")
        Path config;

        @Override
        public Integer call() throws Exception {
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
