package dev.corral.compat;

import dev.corral.testkit.TestCertificates;
import dev.corral.testkit.TlsProbe;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The network fuzzer over TLS (item 7 of issue 12): the same hostile clients, bystanders and prober as
 * {@link NetworkFuzzTest}, against a server with {@code client.portUnification=true}, whose hostile clients
 * speak TLS on it (a handshake, then hostile frames inside the session, now and then a corrupt record written
 * under the TLS layer) or send malformed TLS records where a handshake should be, while the bystanders and the
 * prober use the same port in plain TCP. Afterwards the server must answer and serve as in NetworkFuzzTest.
 * {@value #SECONDS_DEFAULT} s unless {@code fuzz.network.seconds} says otherwise (TLS handshakes cost the two
 * cores of CI more than plain connections). Passes against Corral and ZooKeeper 3.9.5.
 */
class TlsNetworkFuzzTest {
    static final int SECONDS_DEFAULT = 8;
    private static final TestCertificates CERTS = TlsClients.certificates("corral-tls-fuzz-");

    /** NetworkFuzzTest's tick; ssl.clientAuth=none so that the hostile clients need no certificate. */
    @RegisterExtension
    final CompatServer server = CompatServer.perTest(new ServerSpec(1_000, true, Map.of(), Map.of())
            .withConfig("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory")
            .withConfig("client.portUnification", "true")
            .withConfig("ssl.keyStore.location", CERTS.file("server.p12").toString())
            .withConfig("ssl.keyStore.password", TestCertificates.PASSWORD)
            .withConfig("ssl.trustStore.location", CERTS.file("truststore.p12").toString())
            .withConfig("ssl.trustStore.password", TestCertificates.PASSWORD)
            .withConfig("ssl.clientAuth", "none"));

    @Test
    void hostileTlsConnectionsAndMalformedRecordsLeaveTheServerAnsweringAndItsBystandersServed() throws Exception {
        NetworkFuzzTest.fuzz(server, TlsProbe.context(CERTS, null).getSocketFactory(), SECONDS_DEFAULT);
    }
}
