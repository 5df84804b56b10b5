package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The backoff and the once-per-run logging of failed accepts, on a clock the test sets. */
class AcceptFailuresTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(AcceptFailures.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AcceptFailures failures = new AcceptFailures();
    private long nowNanos = 1_000_000_000L;

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private void advanceMs(long ms) {
        nowNanos += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private java.util.List<String> logged() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void thePauseDoublesFromTheLeastToTheMostWhileFailuresGoOnAndStartsAgainAfterASuccess() {
        long[] pauses = new long[9];
        for (int i = 0; i < pauses.length; i++) {
            pauses[i] = failures.failed(nowNanos, "Too many open files");
            advanceMs(pauses[i]);
        }
        assertThat(pauses).containsExactly(10, 20, 40, 80, 160, 320, 640, 1_000, 1_000);

        failures.succeeded();

        assertThat(failures.failed(nowNanos, "Too many open files")).isEqualTo(AcceptFailures.PAUSE_MIN_MS);
    }

    @Test
    void aRunOfFailuresIsLoggedOnceAtItsStartAndOnceAtItsEndAfterTheQuietTime() {
        for (int i = 0; i < 5; i++) {
            failures.failed(nowNanos, "Too many open files");
            advanceMs(10);
        }
        assertThat(logged()).hasSize(1).first().asString().startsWith("Cannot accept connections: Too many open files;");

        assertThat(failures.succeeded()).as("the first success after a run asks for an end check").isTrue();
        assertThat(failures.succeeded()).as("one check at a time").isFalse();
        advanceMs(AcceptFailures.QUIET_MS - 1_000);
        failures.failed(nowNanos, "Too many open files");
        assertThat(logged()).as("a failure within the run logs nothing").hasSize(1);
        advanceMs(1_000);
        long againMs = failures.checkEnd(nowNanos);

        assertThat(againMs).as("quiet for 1 s of the 5: check again in 4").isEqualTo(AcceptFailures.QUIET_MS - 1_000);
        advanceMs(againMs);
        assertThat(failures.checkEnd(nowNanos)).as("quiet long enough: the run ended").isZero();
        assertThat(logged()).hasSize(2).last().isEqualTo("Accepting connections again after 6 failed accepts");
        assertThat(failures.failuresInRun()).isZero();
    }

    @Test
    void successesWithoutAFailureAskForNoCheckAndANewRunIsLoggedAgain() {
        assertThat(failures.succeeded()).isFalse();
        failures.failed(nowNanos, "first");
        failures.succeeded();
        advanceMs(AcceptFailures.QUIET_MS);
        failures.checkEnd(nowNanos);

        failures.failed(nowNanos, "second");

        assertThat(logged()).hasSize(3).last().asString().startsWith("Cannot accept connections: second;");
        assertThat(failures.succeeded()).as("the new run's end is checked too").isTrue();
    }
}
