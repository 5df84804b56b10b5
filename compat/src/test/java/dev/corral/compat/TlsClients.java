package dev.corral.compat;

import dev.corral.testkit.Ports;
import dev.corral.testkit.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * What the TLS tests share: their certificates and secure port, and the official client's TLS settings as ZooKeeper's administrator guide gives them ("Client-Server mutual
 * authentication": zookeeper.client.secure, ClientCnxnSocketNetty, zookeeper.ssl.*).
 */
final class TlsClients {
    private TlsClients() {}

    /** Certificates made for a test class in a new temporary directory named with {@code prefix}. */
    static TestCertificates certificates(String prefix) {
        try {
            return TestCertificates.generate(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free loopback port for a secureClientPort, chosen before the server's zoo.cfg is written. */
    static int freePort() {
        try {
            return Ports.freeLoopbackPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Over TLS with {@code keyStore} (a file of {@code certs}; null for none), trusting {@code trustStore}. */
    static ZKClientConfig official(TestCertificates certs, String keyStore, String trustStore) {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty("zookeeper.client.secure", "true");
        config.setProperty("zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
        if (keyStore != null) {
            config.setProperty("zookeeper.ssl.keyStore.location", certs.file(keyStore).toString());
            // A PEM key is read as encrypted exactly when a password is set; these are not encrypted.
            config.setProperty("zookeeper.ssl.keyStore.password", keyStore.endsWith(".pem") ? "" : TestCertificates.PASSWORD);
        }
        config.setProperty("zookeeper.ssl.trustStore.location", certs.file(trustStore).toString());
        config.setProperty("zookeeper.ssl.trustStore.password", trustStore.endsWith(".pem") ? "" : TestCertificates.PASSWORD);
        return config;
    }
}
