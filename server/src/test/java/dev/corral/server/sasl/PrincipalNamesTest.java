package dev.corral.server.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kerberos names, auth_to_local rules and the sasl id, each row's expectation being what ZooKeeper 3.9.5's
 * KerberosName and SaslServerCallbackHandler give (Hadoop's rule semantics). No KDC: the default realm is given.
 */
class PrincipalNamesTest {
    private static final String REALM = "EXAMPLE.COM";

    record Case(String principal, String rules, boolean removeHost, boolean removeRealm, String id) {}

    static Stream<Case> cases() {
        return Stream.of(
                // DEFAULT: the first component, for the default realm only; host and realm appended unless removed.
                new Case("alice@EXAMPLE.COM", "DEFAULT", false, false, "alice@EXAMPLE.COM"),
                new Case("alice@EXAMPLE.COM", "DEFAULT", false, true, "alice"),
                new Case("zk/h1.example.com@EXAMPLE.COM", "DEFAULT", true, false, "zk@EXAMPLE.COM"),
                new Case("zk/h1.example.com@EXAMPLE.COM", "DEFAULT", false, true, "zk/h1.example.com"),
                new Case("zk/h1.example.com@EXAMPLE.COM", "DEFAULT", true, true, "zk"),
                // Another realm: no rule applies, the principal stays whole whatever the options.
                new Case("alice@OTHER.ORG", "DEFAULT", true, true, "alice@OTHER.ORG"),
                // A simple name (DIGEST-MD5 users) is its own short name.
                new Case("bob", "DEFAULT", true, true, "bob"),
                // RULE:[n:format](match)s/from/to/g, first applicable rule wins.
                new Case("alice@OTHER.ORG", "RULE:[1:$1@$0](.*@OTHER\\.ORG)s/@.*// DEFAULT", false, true, "alice"),
                new Case("alice@OTHER.ORG", "RULE:[1:$1@$0](.*@OTHER\\.ORG)s/@.*// DEFAULT", false, false, "alice@OTHER.ORG"),
                new Case("zk/h1@EXAMPLE.COM", "RULE:[2:$1](zk)s/zk/zookeeper/ DEFAULT", false, false, "zookeeper/h1@EXAMPLE.COM"),
                new Case("a.b.c@EXAMPLE.COM", "RULE:[1:$1]s/\\./-/g", false, true, "a-b-c"),
                new Case("a.b.c@EXAMPLE.COM", "RULE:[1:$1]s/\\./-/", false, true, "a-b.c"),
                new Case("zk/h1@EXAMPLE.COM", "RULE:[1:$1] DEFAULT", false, false, "zk/h1@EXAMPLE.COM"),
                // A rule giving a name with '/' or '@' ends the search without a short name.
                new Case("alice@EXAMPLE.COM", "RULE:[1:$1@$0] DEFAULT", false, true, "alice@EXAMPLE.COM"),
                // A rule naming a missing component ends the search too (ZooKeeper's BadFormatString).
                new Case("alice@EXAMPLE.COM", "RULE:[1:$2] DEFAULT", false, true, "alice@EXAMPLE.COM"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theSaslIdOfAPrincipal(Case row) {
        Properties system = new Properties();
        system.setProperty(AuthToLocal.PROPERTY, row.rules());
        system.setProperty(PrincipalMapping.REMOVE_HOST, String.valueOf(row.removeHost()));
        system.setProperty(PrincipalMapping.REMOVE_REALM, String.valueOf(row.removeRealm()));
        assertThat(PrincipalMapping.of(system, REALM).authorizationId(row.principal())).isEqualTo(row.id());
    }

    @Test
    void namesSplitAsZooKeeperSplitsThem() {
        assertThat(KerberosName.parse("zookeeper/h1.example.com@EXAMPLE.COM"))
                .isEqualTo(new KerberosName("zookeeper", "h1.example.com", REALM));
        assertThat(KerberosName.parse("alice@EXAMPLE.COM")).isEqualTo(new KerberosName("alice", null, REALM));
        assertThat(KerberosName.parse("a/b/c")).isEqualTo(new KerberosName("a/b/c", null, null));
        assertThat(KerberosName.parse("zookeeper/h1@EXAMPLE.COM")).hasToString("zookeeper/h1@EXAMPLE.COM");
        assertThatThrownBy(() -> KerberosName.parse("a/b/c@EXAMPLE.COM")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KerberosName.parse("a@b@c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnparsableRuleIsRefusedNamingIt() {
        assertThatThrownBy(() -> AuthToLocal.parse("DEFAULT RULE:[1:$1", REALM)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RULE:[1:$1").hasMessageContaining(AuthToLocal.PROPERTY);
    }
}
