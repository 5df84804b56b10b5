package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The x509 scheme (a TLS client certificate's subject, as ZooKeeper 3.9's X509AuthenticationProvider names
 * a connection) and enforced authentication (AuthenticationHelper: enforce.auth.schemes), through the Node
 * with real frames.
 */
class NodeAuthenticationTest {
    private static final String ALICE = "CN=alice,O=Corral";
    private static final String ADMIN = "CN=admin,O=Corral";
    private static final NodeSecurity X509 = new NodeSecurity(Set.of("x509"), ADMIN, null, Set.of(), false);

    private static SimShell shell(NodeSecurity security) {
        return new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS), security);
    }

    private static FrameClient withCertificate(SimShell shell, String subject) {
        FrameClient client = shell.open();
        shell.clientCertificate(client, subject);
        client.connect(10_000);
        return client;
    }

    @Test
    void aClientCertificateNamesTheConnectionInTheX509Scheme() {
        SimShell shell = shell(X509);
        assertThat(withCertificate(shell, ALICE).whoAmI()).containsExactly("ip:127.0.0.1", "x509:" + ALICE);
        assertThat(withCertificate(shell, ADMIN).whoAmI()).as("the x509 super user is also super, as ZooKeeper lists it first")
                .containsExactly("ip:127.0.0.1", "super:", "x509:" + ADMIN);
    }

    @Test
    void anX509AclGrantsItsSubjectTheSuperUserAndNoOneElse() {
        SimShell shell = shell(X509);
        FrameClient alice = withCertificate(shell, ALICE);
        FrameClient bob = withCertificate(shell, "CN=bob,O=Corral");
        FrameClient anonymous = shell.connect(10_000);
        FrameClient admin = withCertificate(shell, ADMIN);

        assertThat(alice.create("/alice", List.of(new Acl(Acl.ALL, new Id("x509", ALICE))), CreateMode.PERSISTENT).err()).isZero();
        // An "auth" entry stands for the connection's x509 identity, the scheme being an authenticated one.
        assertThat(alice.create("/alice/auth", List.of(new Acl(Acl.ALL, new Id("auth", ""))), CreateMode.PERSISTENT).err()).isZero();

        assertThat(alice.getData("/alice/auth", false).err()).isZero();
        assertThat(bob.getData("/alice", false).err()).isEqualTo(ErrorCode.NOAUTH);
        assertThat(anonymous.getData("/alice", false).err()).isEqualTo(ErrorCode.NOAUTH);
        assertThat(admin.getData("/alice/auth", false).err()).isZero();
        assertThat(admin.delete("/alice/auth").err()).isZero();
    }

    @Test
    void withoutAnX509ProviderCertificatesNameNoOneAndX509AclsAreInvalid() {
        SimShell shell = shell(NodeSecurity.NONE);
        FrameClient client = withCertificate(shell, ALICE);
        assertThat(client.whoAmI()).containsExactly("ip:127.0.0.1");
        // PrepRequestProcessor#fixupACL: a scheme without a provider is an invalid ACL.
        assertThat(client.create("/a", List.of(new Acl(Acl.ALL, new Id("x509", ALICE))), CreateMode.PERSISTENT).err())
                .isEqualTo(ErrorCode.INVALIDACL);
    }

    @Test
    void anX509AclIdMustBeAnX500Name() {
        FrameClient client = withCertificate(shell(X509), ALICE);
        assertThat(client.create("/a", List.of(new Acl(Acl.ALL, new Id("x509", "not a name"))), CreateMode.PERSISTENT).err())
                .isEqualTo(ErrorCode.INVALIDACL);
    }

    record Enforced(String name, Set<String> schemes, String certificate, String digest, boolean served) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Enforced> enforcement() {
        return Stream.of(
                // Any identity of an enforced scheme lets the connection's requests through.
                new Enforced("digest enforced, digest auth", Set.of("digest"), null, "bob:pw", true),
                new Enforced("x509 enforced, certificate", Set.of("x509"), ALICE, null, true),
                new Enforced("digest or x509 enforced, certificate", Set.of("digest", "x509"), ALICE, null, true),
                // Every connection has its ip identity, so enforcing ip lets every client in.
                new Enforced("ip enforced, nothing else", Set.of("ip"), null, null, true),
                // No identity of an enforced scheme: SESSIONCLOSEDREQUIRESASLAUTH, and the connection is closed.
                new Enforced("digest enforced, nothing", Set.of("digest"), null, null, false),
                new Enforced("digest enforced, certificate only", Set.of("digest"), ALICE, null, false),
                new Enforced("x509 enforced, digest only", Set.of("x509"), null, "bob:pw", false));
    }

    @ParameterizedTest
    @MethodSource("enforcement")
    void enforcedAuthenticationServesOnlyConnectionsWithAnEnforcedScheme(Enforced c) {
        SimShell shell = shell(new NodeSecurity(Set.of("x509"), null, null, c.schemes(), false));
        FrameClient client = c.certificate() == null ? shell.connect(10_000) : withCertificate(shell, c.certificate());
        if (c.digest() != null) {
            assertThat(client.addAuth("digest", c.digest()).err()).as("auth packets pass before authentication").isZero();
        }

        FrameClient.Reply reply = client.exists("/", false);

        if (c.served()) {
            assertThat(reply.err()).isZero();
            assertThat(client.isClosed()).isFalse();
        } else {
            assertThat(reply.err()).isEqualTo(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH);
            assertThat(client.isClosed()).isTrue();
            shell.node.checkOutstanding();
        }
    }

    @Test
    void enforcementRefusesPingsOfAnUnauthenticatedConnectionToo() {
        // AuthenticationHelper is asked for every packet but auth and sasl, pings included.
        FrameClient client = shell(new NodeSecurity(Set.of(), null, null, Set.of("digest"), false)).connect(10_000);
        assertThat(client.ping().err()).isEqualTo(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH);
        assertThat(client.isClosed()).isTrue();
    }

    /** A two-step exchange: an empty token gets a challenge, "user:right" then completes as user. */
    private static final SaslAuthenticator SASL = (connectionId, token) -> {
        String text = new String(token, java.nio.charset.StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return new SaslAuthenticator.Step("challenge".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        }
        if (text.endsWith(":right")) {
            return new SaslAuthenticator.Step(new byte[0], text.substring(0, text.indexOf(':')));
        }
        throw new SaslAuthenticator.Refused("wrong password");
    };

    private static SimShell saslShell(Set<String> enforced) {
        return new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS),
                new NodeSecurity(Set.of("sasl"), null, "admin", enforced, false), node -> node.useSasl(SASL));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aCompletedSaslExchangeNamesTheConnectionInTheSaslScheme() {
        SimShell shell = saslShell(Set.of());
        FrameClient bob = shell.connect(10_000);
        FrameClient.Reply challenge = bob.sasl(new byte[0]);
        assertThat(challenge.err()).isZero();
        assertThat(challenge.read(dev.corral.wire.SetSASLResponse::read).token()).isEqualTo(bytes("challenge"));
        assertThat(bob.sasl(bytes("bob:right")).err()).isZero();
        assertThat(bob.whoAmI()).containsExactly("ip:127.0.0.1", "sasl:bob");

        assertThat(bob.create("/bob", List.of(new Acl(Acl.ALL, new Id("sasl", "bob"))), CreateMode.PERSISTENT).err()).isZero();
        assertThat(shell.connect(10_000).getData("/bob", false).err()).isEqualTo(ErrorCode.NOAUTH);
        FrameClient admin = shell.connect(10_000);
        admin.sasl(bytes("admin:right"));
        assertThat(admin.whoAmI()).as("zookeeper.superUser").containsExactly("ip:127.0.0.1", "sasl:admin", "super:");
        assertThat(admin.getData("/bob", false).err()).isZero();
    }

    @Test
    void aRefusedSaslExchangeFailsTheConnection() {
        FrameClient client = saslShell(Set.of()).connect(10_000);
        assertThat(client.sasl(bytes("bob:wrong")).err()).isEqualTo(ErrorCode.AUTHFAILED);
        assertThat(client.isClosed()).isTrue();
        FrameClient required = saslShell(Set.of("sasl")).connect(10_000);
        assertThat(required.sasl(bytes("bob:wrong")).err()).as("sessionRequireClientSASLAuth")
                .isEqualTo(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH);
        assertThat(required.isClosed()).isTrue();
    }

    @Test
    void withSaslEnforcedOnlyAnAuthenticatedConnectionIsServed() {
        SimShell shell = saslShell(Set.of("sasl"));
        FrameClient authenticated = shell.connect(10_000);
        authenticated.sasl(new byte[0]);
        authenticated.sasl(bytes("bob:right"));
        assertThat(authenticated.exists("/", false).err()).isZero();
        FrameClient anonymous = shell.connect(10_000);
        assertThat(anonymous.exists("/", false).err()).isEqualTo(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH);
    }
}
