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
 * Issue 12, item 8: {@code ssl.quorum.hostnameVerification} (default true). With quorum TLS, a member checks
 * that the certificate of the member it connects to names the host of that member's server.N line, and the
 * accepting member checks that the connecting member's certificate names the address it connects from
 * (ZooKeeper 3.9.5's ZKTrustManager, with QuorumX509Util's client host name check on). Members on loopback
 * whose certificate, of a trusted authority, names other.example and 192.0.2.1 cannot form an ensemble,
 * and say why in their log; with {@code ssl.quorum.hostnameVerification=false} the same certificates form
 * one. Certificates that name 127.0.0.1 form one with the check on: {@link EnsembleQuorumTlsTest}.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5, with the same keys and certificates; the log line
 * each writes is its own.
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
    void membersWhoseCertificateNamesAnotherHostAreRefused() {
        assertThatThrownBy(() -> {
            try (Ensemble ensemble = CompatEnsemble.start("quorum-hostname-refused", spec -> otherHost(spec)
                    .withStartupBound(REFUSED_BOUND))) {
                ensemble.awaitLeader(Duration.ZERO);
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("did not open a session")
                .hasMessageContaining(CompatRun.target() == Target.CORRAL
                        ? "does not name 127.0.0.1 or localhost; refusing the quorum connection"
                        : "Failed to verify");
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
