package dev.corral.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything needed to start one server process: which target, on which runtime, with which JVM options,
 * in which home directory (zoo.cfg, log, and whatever the config's dataDir names), and what to do with its
 * log and home afterwards. Immutable; the {@code with*} methods return modified copies.
 *
 * @param target            Corral or ZooKeeper
 * @param runtime           JDK and classpaths
 * @param jvmOptions        options before the main class, e.g. -Xmx256m or -Dkey=value
 * @param home              directory of zoo.cfg and the log; the process runs in it
 * @param config            the zoo.cfg it reads; its clientPort is the port the process serves
 * @param label             names the log file ({@code label.log}) and the process in messages
 * @param logsDirectory     where the log is copied when the process is closed; null keeps none
 * @param startupBound      how long {@link ServerProcess#awaitServing} waits for a session to open
 * @param deleteHomeOnClose whether {@link ServerProcess#close} deletes {@code home} (the caller owns it otherwise)
 */
public record Launch(Target target, ServerRuntime runtime, List<String> jvmOptions, Path home, ZooCfg config,
        String label, Path logsDirectory, Duration startupBound, boolean deleteHomeOnClose) {

    private static final Duration STARTUP_BOUND_DEFAULT = Duration.ofSeconds(60);

    public Launch {
        jvmOptions = List.copyOf(jvmOptions);
        if (label.isBlank() || label.contains("/")) {
            throw new IllegalArgumentException("label '" + label + "' must name a file");
        }
    }

    /** No JVM options, no kept log, a 60 s startup bound, the home kept. */
    public static Launch of(Target target, ServerRuntime runtime, Path home, ZooCfg config, String label) {
        return new Launch(target, runtime, List.of(), home, config, label, null, STARTUP_BOUND_DEFAULT, false);
    }

    public Launch withJvmOptions(List<String> options) {
        return new Launch(target, runtime, options, home, config, label, logsDirectory, startupBound, deleteHomeOnClose);
    }

    public Launch withLogsDirectory(Path directory) {
        return new Launch(target, runtime, jvmOptions, home, config, label, directory, startupBound, deleteHomeOnClose);
    }

    public Launch withStartupBound(Duration bound) {
        return new Launch(target, runtime, jvmOptions, home, config, label, logsDirectory, bound, deleteHomeOnClose);
    }

    public Launch deletingHomeOnClose() {
        return new Launch(target, runtime, jvmOptions, home, config, label, logsDirectory, startupBound, true);
    }

    Path configFile() {
        return home.resolve("zoo.cfg");
    }

    Path logFile() {
        return home.resolve(label + ".log");
    }

    /**
     * The command line: {@code java <options> -cp <classpath> <main> <args>}. ZooKeeper runs
     * {@code ZooKeeperServerMain} on a standalone zoo.cfg and {@code QuorumPeerMain} on one that lists
     * servers, as {@code zkServer.sh} does; Corral runs {@code corral server --config}, as {@code bin/corral} does.
     */
    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(runtime.java().toString());
        command.addAll(jvmOptions);
        if (target == Target.ZOOKEEPER) {
            command.add("-Dzookeeper.admin.enableServer=false");
            command.add("-Dlogback.configurationFile=" + home.resolve("logback.xml"));
        }
        command.add("-cp");
        command.add(runtime.classpath(target));
        switch (target) {
            case ZOOKEEPER -> command.add(config.listsServers()
                    ? "org.apache.zookeeper.server.quorum.QuorumPeerMain"
                    : "org.apache.zookeeper.server.ZooKeeperServerMain");
            case CORRAL -> command.addAll(List.of("dev.corral.cli.Corral", "server", "--config"));
        }
        command.add(configFile().toString());
        return command;
    }

    /** ZooKeeper logs through logback; this keeps its log at INFO on standard output, which goes to the log file. */
    static final String ZOOKEEPER_LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;
}
