package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.TestCertificates;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client certificates as identities and enforced authentication, as ZooKeeper 3.9 users configure them:
 * the x509 scheme (X509AuthenticationProvider: the certificate's subject, and the super user named by
 * X509AuthenticationProvider.superUser), ssl.clientAuth=want so that clients without a certificate get in
 * over TLS, and enforce.auth.enabled with enforce.auth.schemes=x509,digest. Passes against Corral and
 * against ZooKeeper 3.9.5 with the same certificates.
 */
class ClientCertificateAuthTest {
    private static final TestCertificates CERTS = TlsClients.certificates("corral-x509-");
    private static final int SECURE_PORT = TlsClients.freePort();

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults()
            .withConfig("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory")
            .withConfig("secureClientPort", String.valueOf(SECURE_PORT))
            .withConfig("secureClientPortAddress", "127.0.0.1")
            .withConfig("ssl.keyStore.location", CERTS.file("server.p12").toString())
            .withConfig("ssl.keyStore.password", TestCertificates.PASSWORD)
            .withConfig("ssl.trustStore.location", CERTS.file("truststore.p12").toString())
            .withConfig("ssl.trustStore.password", TestCertificates.PASSWORD)
            .withConfig("ssl.clientAuth", "want")
            .withConfig("X509AuthenticationProvider.superUser", TestCertificates.CLIENT2_SUBJECT)
            .withConfig("enforce.auth.enabled", "true")
            .withConfig("enforce.auth.schemes", "x509,digest"));

    private static ZooKeeper withCertificate(String keyStore) throws Exception {
        return server.clients().zk("127.0.0.1:" + SECURE_PORT, TlsClients.official(CERTS, keyStore, "truststore.p12"));
    }

    /** whoAmI's identities as "scheme:user"; ZooKeeper keeps a connection's in a hash set, so their order is not kept. */
    private static List<String> whoAmI(ZooKeeper zk) throws Exception {
        return zk.whoAmI().stream().map((ClientInfo info) -> info.getAuthScheme() + ":" + info.getUser()).toList();
    }

    @Test
    void theCertificateSubjectIsTheConnectionsX509Identity() throws Exception {
        assertThat(whoAmI(withCertificate("client.p12"))).containsExactlyInAnyOrder("ip:127.0.0.1", "x509:" + TestCertificates.CLIENT_SUBJECT);
    }

    @Test
    void theConfiguredSubjectIsAlsoTheSuperUser() throws Exception {
        assertThat(whoAmI(withCertificate("client2.p12")))
                .containsExactlyInAnyOrder("ip:127.0.0.1", "super:", "x509:" + TestCertificates.CLIENT2_SUBJECT);
    }

    @Test
    void anX509AclAdmitsItsSubjectAndTheSuperUserOnly() throws Exception {
        ZooKeeper client = withCertificate("client.p12");
        String root = server.newRoot(client);
        String path = client.create(root + "/x509", new byte[] {1},
                // A mutable list: the client asks it whether it contains null, which List.of refuses to answer.
                new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCertificates.CLIENT_SUBJECT)))),
                CreateMode.PERSISTENT);

        assertThat(client.getData(path, false, null)).containsExactly(1);
        assertThat(withCertificate("client2.p12").getData(path, false, null)).as("x509 super user").containsExactly(1);
        ZooKeeper digestUser = server.clients().zkAs("bob:secret");
        assertThatThrownBy(() -> digestUser.getData(path, false, null)).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void aClientWithoutAnEnforcedSchemeIsRefusedAndDisconnected() throws Exception {
        ZooKeeper anonymous = server.zk();
        assertThatThrownBy(() -> anonymous.exists("/", false)).isInstanceOf(KeeperException.SessionClosedRequireAuthException.class);
        ZooKeeper anonymousOverTls = withCertificateless();
        assertThatThrownBy(() -> anonymousOverTls.exists("/", false))
                .isInstanceOf(KeeperException.SessionClosedRequireAuthException.class);
    }

    @Test
    void aDigestOrCertificateIdentityIsServed() throws Exception {
        assertThat(server.clients().zkAs("bob:secret").exists("/", false)).isNotNull();
        assertThat(withCertificate("client.jks").exists("/", false)).isNotNull();
    }

    /** Over TLS without a client certificate: ssl.clientAuth=want lets it in, unauthenticated. */
    private static ZooKeeper withCertificateless() throws Exception {
        return server.clients().zk("127.0.0.1:" + SECURE_PORT, TlsClients.official(CERTS, null, "truststore.p12"));
    }
}
