package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How the console finds a login's token in a Cookie header. */
class ConsoleSessionsTest {
    record Case(String name, String header, String expected) {}

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no header", null, null),
                new Case("only ours", "corral_console=abc", "abc"),
                new Case("among others, spaced", "a=1; corral_console=abc; b=2", "abc"),
                // A cookie whose name merely ends or starts like ours is not ours.
                new Case("suffix of another name", "xcorral_console=evil", null),
                new Case("longer name", "corral_console2=evil", null),
                new Case("empty value", "corral_console=", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsTheLoginCookie(Case c) {
        assertThat(ConsoleSessions.cookie(c.header(), ConsoleSessions.COOKIE)).isEqualTo(c.expected());
    }
}
