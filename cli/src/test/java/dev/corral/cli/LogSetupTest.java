package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogSetupTest {

    @Test
    void infoAndAboveGoToStandardOutputAsOneLineEachAndNettyOnlyWarns() {
        LoggerContext context = new LoggerContext();
        LogSetup.apply(context, null);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty.channel").getEffectiveLevel()).isEqualTo(Level.WARN);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("CONSOLE");
        assertThat(console.isStarted()).isTrue();
        assertThat(console.getTarget()).isEqualTo("System.out");
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).isEqualTo(LogSetup.PATTERN);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DEBUG, DEBUG", "warn, WARN", "OFF, OFF", "nonsense, INFO"})
    void theRootLevelComesFromCorralLogLevel(String property, String level) {
        LoggerContext context = new LoggerContext();
        LogSetup.apply(context, property);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.toLevel(level));
    }

    @Test
    void aLogbackTestXmlOnTheClassPathIsLeftToLogback() {
        // This module's tests carry one (src/test/resources), as a user's own configuration would be.
        assertThat(new LogSetup().configure(new LoggerContext())).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
