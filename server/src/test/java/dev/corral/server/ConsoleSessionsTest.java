package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How the console names its login cookie and finds a login's token in a Cookie header. */
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

    record NameCase(String name, String host, String cookie) {}

    static Stream<NameCase> names() {
        return Stream.of(
                // The port the browser asked for keeps the consoles of one host's servers apart.
                new NameCase("address and port", "127.0.0.1:8081", "corral_console_8081"),
                new NameCase("IPv6 and port", "[::1]:8082", "corral_console_8082"),
                // No port (80 or 443), or none readable: the plain name.
                new NameCase("no Host", null, "corral_console"),
                new NameCase("host only", "corral.example", "corral_console"),
                new NameCase("IPv6 without port", "[::1]", "corral_console"),
                new NameCase("empty port", "corral.example:", "corral_console"),
                new NameCase("not a port", "corral.example:80a", "corral_console"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theCookieIsNamedForThePortOfTheHost(NameCase c) {
        assertThat(ConsoleSessions.cookieName(c.host())).isEqualTo(c.cookie());
    }
}
