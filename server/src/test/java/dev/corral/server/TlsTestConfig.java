package dev.corral.server;

import dev.corral.testkit.TestCertificates;
import java.util.Properties;

/** The zoo.cfg keys of the tests that run TLS client and admin ports with the test certificates. */
final class TlsTestConfig {
    private TlsTestConfig() {}

    /**
     * A TLS client port (secureClientPort, which registers the x509 scheme) and the client and quorum key and
     * trust stores (the admin port's TLS uses the quorum's), all from {@code certs}.
     */
    static Properties secureClientPortAndStores(TestCertificates certs) {
        Properties cfg = new Properties();
        cfg.setProperty("secureClientPort", "0");
        for (String prefix : new String[] {"ssl.", "ssl.quorum."}) {
            cfg.setProperty(prefix + "keyStore.location", certs.file("server.p12").toString());
            cfg.setProperty(prefix + "keyStore.password", TestCertificates.PASSWORD);
            cfg.setProperty(prefix + "trustStore.location", certs.file("truststore.p12").toString());
            cfg.setProperty(prefix + "trustStore.password", TestCertificates.PASSWORD);
        }
        return cfg;
    }
}
