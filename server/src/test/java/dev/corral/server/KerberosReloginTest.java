package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.sasl.KerberosLogin;
import dev.corral.testkit.TestKdc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosTicket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's Kerberos login is renewed before its ticket ends, into a new Subject, and clients keep
 * authenticating across the renewal: a KDC whose tickets live 8 s, and zookeeper.kerberos.minReLoginTimeMs=1000.
 * Runs in a JVM of its own (execution "kerberos").
 */
class KerberosReloginTest {
    private static final Duration TICKET_LIFETIME = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    void theLoginIsRenewedBeforeItsTicketEndsAndClientsKeepAuthenticating() throws Exception {
        try (TestKdc kdc = TestKdc.start(dir.resolve("kdc"), TICKET_LIFETIME)) {
            Path serverKeytab = kdc.keytab("zookeeper/localhost");
            Path aliceKeytab = kdc.keytab("alice");
            Path jaas = Files.writeString(dir.resolve("jaas.conf"), TestKdc.jaasSection("Server", "zookeeper/localhost", serverKeytab));
            Properties system = new Properties();
            system.setProperty(JaasSaslAuthenticator.JAAS_FILE, jaas.toString());
            system.setProperty(KerberosLogin.MIN_RELOGIN_PROPERTY, "1000");
            try (JaasSaslAuthenticator server = JaasSaslAuthenticator.load(system).orElseThrow()) {
                Subject first = server.login().subject();
                KerberosTicket firstTicket = first.getPrivateCredentials(KerberosTicket.class).iterator().next();
                java.util.Date firstEnd = firstTicket.getEndTime();
                assertThat(firstEnd.getTime() - firstTicket.getStartTime().getTime()).isLessThanOrEqualTo(TICKET_LIFETIME.toMillis());
                server.prepare(1);
                assertThat(GssapiClient.login("alice@EXAMPLE.COM", aliceKeytab, "zookeeper", "localhost").authenticate(server, 1))
                        .isEqualTo("alice@EXAMPLE.COM");

                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> server.login().relogins() >= 1);
                // Before the first ticket ended (80-85% of its life, with the minimum of one second).
                assertThat(firstTicket.isDestroyed()).as("the old login is logged out").isTrue();
                Subject renewed = server.login().subject();
                assertThat(renewed).isNotSameAs(first);
                KerberosTicket renewedTicket = renewed.getPrivateCredentials(KerberosTicket.class).iterator().next();
                assertThat(renewedTicket.getEndTime()).isAfter(firstEnd);

                server.prepare(2);
                assertThat(GssapiClient.login("alice@EXAMPLE.COM", aliceKeytab, "zookeeper", "localhost").authenticate(server, 2))
                        .isEqualTo("alice@EXAMPLE.COM");
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> server.login().relogins() >= 2);
            }
        }
    }
}
