package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.node.SaslAuthenticator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DIGEST-MD5 against the users of a JAAS Server section, with the JDK's own SASL client as ZooKeeper's client uses it. */
class JaasSaslAuthenticatorTest {
    @TempDir
    Path dir;

    private Properties jaas(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("jaas.conf"), content);
        Properties system = new Properties();
        system.setProperty(JaasSaslAuthenticator.JAAS_FILE, file.toString());
        return system;
    }

    private static final String SERVER = """
            Server {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              user_bob="bobsecret";
            };
            """;

    /** Runs ZooKeeper's client side of the exchange (ZooKeeperSaslClient: protocol zookeeper, server zk-sasl-md5). */
    private static String exchange(SaslAuthenticator server, long connectionId, String user, String password) throws Exception {
        SaslClient client = Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, user, "zookeeper", "zk-sasl-md5", null,
                (Callback[] callbacks) -> {
                    for (Callback callback : callbacks) {
                        if (callback instanceof NameCallback name) {
                            name.setName(user);
                        } else if (callback instanceof PasswordCallback secret) {
                            secret.setPassword(password.toCharArray());
                        } else if (callback instanceof RealmCallback realm) {
                            realm.setText(realm.getDefaultText());
                        }
                    }
                });
        byte[] token = new byte[0];
        for (int step = 0; step < 5; step++) {
            SaslAuthenticator.Step answer = server.evaluate(connectionId, token);
            if (answer.authorizationId() != null) {
                return answer.authorizationId();
            }
            token = client.evaluateChallenge(answer.response());
        }
        throw new AssertionError("the exchange did not complete in 5 steps");
    }

    @Test
    void aJaasUserAuthenticatesWithItsPasswordAndNotWithAnother() throws Exception {
        JaasSaslAuthenticator server = JaasSaslAuthenticator.load(jaas(SERVER)).orElseThrow();
        assertThat(exchange(server, 1, "bob", "bobsecret")).isEqualTo("bob");
        assertThatThrownBy(() -> exchange(server, 2, "bob", "guess")).isInstanceOf(SaslAuthenticator.Refused.class);
        assertThatThrownBy(() -> exchange(server, 3, "mallory", "bobsecret")).isInstanceOf(SaslAuthenticator.Refused.class);
    }

    @Test
    void withoutAJaasFileOrItsServerSectionSaslIsOff() throws Exception {
        assertThat(JaasSaslAuthenticator.load(new Properties())).isEmpty();
        assertThat(JaasSaslAuthenticator.load(jaas("Client {\n  x.Y required username=\"bob\";\n};\n"))).isEmpty();
        Properties named = jaas(SERVER.replace("Server", "ZkServer"));
        named.setProperty(JaasSaslAuthenticator.SECTION, "ZkServer");
        assertThat(JaasSaslAuthenticator.load(named)).isPresent();
    }

    @Test
    void anUnreadableJaasFileStopsTheStartNamingIt() throws Exception {
        Properties broken = jaas("Server { this is not JAAS");
        assertThatThrownBy(() -> JaasSaslAuthenticator.load(broken)).isInstanceOf(IOException.class).hasMessageContaining("jaas.conf");
    }
}
