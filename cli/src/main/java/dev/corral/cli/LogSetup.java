package dev.corral.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Corral's default logging, set up in code: INFO and above to standard output, one line per event,
 * Netty's own loggers at WARN, the root level from {@code -Dcorral.log.level}. Found by logback through
 * {@code META-INF/services}, before its own configurators. Reading the same settings from a
 * {@code logback.xml} cost about 0.4 s of every start on this machine (logback's XML configurator loads
 * some 500 classes), most of the time an empty server took to serve (issue 16 asks that it start no
 * slower than ZooKeeper). A configuration of one's own still wins: with {@code -Dlogback.configurationFile}
 * (as {@code corral-server.sh} passes for {@code conf/logback.xml}), or a {@code logback-test.xml} or
 * {@code logback.xml} on the class path, logback's configurators run instead.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";
    static final String LEVEL_PROPERTY = "corral.log.level";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogSetup.class.getClassLoader();
        // Corral's jars carry no logback.xml, so one on the class path is the user's (a conf directory first on it).
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System.getProperty(LEVEL_PROPERTY));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up {@code context} with Corral's default logging; {@code level} is the root level's name, INFO if null or unknown. */
    static void apply(LoggerContext context, String level) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(console);
        context.getLogger("io.netty").setLevel(Level.WARN);
    }
}
