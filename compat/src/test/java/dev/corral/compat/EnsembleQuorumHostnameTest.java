package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.EnsembleSpec;
import dev.corral.testkit.Target;
import dev.corral.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 8: {@code ssl.quorum.hostnameVerification} (default true). With quorum TLS, a Corral member
 * checks that the certificate of the member it connects to names the host of that member's server.N line, and
 * the accepting member that the connecting member's certificate names the address it connects from, as
 * ZooKeeper's ZKTrustManager does. Members on loopback whose certificate, of a trusted authority, names
 * other.example and 192.0.2.1 cannot form an ensemble, and say why in their log; with
 * {@code ssl.quorum.hostnameVerification=false} the same certificates form one. Certificates that name
 * 127.0.0.1 form one with the check on: {@link EnsembleQuorumTlsTest}.
 *
 * <p>Where Corral differs, pinned here: ZooKeeper 3.9.5 runs with {@code zookeeper.fips-mode=true} by default,
 * and in FIPS mode its quorum sockets use the JDK's standard trust manager, not ZKTrustManager
 * (X509Util#createTrustManager), and set no endpoint identification: it verifies no host name on the quorum
 * ports, whatever {@code ssl.quorum.hostnameVerification} says, so the first case forms an ensemble there.
 * Corral keeps the check its key promises; an ensemble moved from ZooKeeper whose certificates do not name
 * their hosts sets {@code ssl.quorum.hostnameVerification=false}.
 */
class EnsembleQuorumHostnameTest {
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(45);
    /** Long enough for a correct ensemble to form on a loaded machine several times over. */
    private static final Duration REFUSED_BOUND = Duration.ofSeconds(20);

    private static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() throws IOException {
        Path directory = Files.createTempDirectory("corral-quorum-hostname-");
        certificates = TestCertificates.generate(directory);
    }

    @Test
    void membersWhoseCertificateNamesAnotherHostAreRefused() throws Exception {
        if (CompatRun.target() == Target.ZOOKEEPER) {
            // FIPS mode (ZooKeeper 3.9.5's default) checks no host name on the quorum ports: the ensemble forms.
            try (Ensemble ensemble = CompatEnsemble.start("quorum-hostname-fips", EnsembleQuorumHostnameTest::otherHost)) {
                assertThat(ensemble.awaitLeader(ELECTION_BOUND)).isPositive();
            }
            return;
        }
        assertThatThrownBy(() -> {
            try (Ensemble ensemble = CompatEnsemble.start("quorum-hostname-refused", spec -> otherHost(spec)
                    .withStartupBound(REFUSED_BOUND))) {
                ensemble.awaitLeader(Duration.ZERO);
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("did not open a session")
                .hasMessageContaining("does not name 127.0.0.1 or localhost; refusing the quorum connection");
    }

    @Test
    void theSameCertificatesFormAnEnsembleWithoutTheCheck() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("quorum-hostname-off", spec -> otherHost(spec)
                .withConfig("ssl.quorum.hostnameVerification", "false"))) {
            assertThat(ensemble.awaitLeader(ELECTION_BOUND)).isPositive();
        }
    }

    private static EnsembleSpec otherHost(EnsembleSpec spec) {
        return spec.withConfig("sslQuorum", "true")
                .withConfig("ssl.quorum.keyStore.location", certificates.file("otherhost.p12").toString())
                .withConfig("ssl.quorum.keyStore.password", TestCertificates.PASSWORD)
                .withConfig("ssl.quorum.trustStore.location", certificates.file("truststore.p12").toString())
                .withConfig("ssl.quorum.trustStore.password", TestCertificates.PASSWORD);
    }
}
