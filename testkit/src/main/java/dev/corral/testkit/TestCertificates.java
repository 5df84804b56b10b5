package dev.corral.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;

/**
 * Certificates a test makes for itself, written to a directory as an operator's tools would write them: a
 * certificate authority; a server certificate for localhost and 127.0.0.1; a server certificate of the same
 * authority for another host ({@code otherhost}: other.example and 192.0.2.1, which host name verification
 * refuses on loopback); two client certificates signed by
 * the authority; and a self-signed client certificate that no store trusts. Each identity is written as
 * PKCS12 ({@code name.p12}), JKS ({@code name.jks}) and PEM ({@code name.pem}: the unencrypted PKCS#8 private
 * key, then the chain, leaf first), and the authority as trust stores ({@code truststore.p12},
 * {@code truststore.jks}, {@code ca.pem}). Stores have {@link #PASSWORD}; the PEM files have none.
 *
 * <p>Made in process (EC P-256 keys, certificates written in DER by {@link Der} and signed with
 * SHA256withECDSA), because the JDK's keytool takes seconds per run on a loaded machine. Valid from an
 * hour ago for two days; the JDK's CertificateFactory parses each one back, so a malformed encoding fails
 * here and not in a handshake.
 */
public final class TestCertificates {
    public static final String PASSWORD = "testpass";
    /** The subject of {@code client.*} as ZooKeeper's x509 provider names it (X500Principal#getName). */
    public static final String CLIENT_SUBJECT = "CN=client,OU=test,O=Corral";
    /** The subject of {@code client2.*}. */
    public static final String CLIENT2_SUBJECT = "CN=client2,OU=test,O=Corral";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path directory;

    private TestCertificates(Path directory) {
        this.directory = directory;
    }

    /** Makes every file in {@code directory} (created if missing) and returns where they are. */
    public static TestCertificates generate(Path directory) throws IOException {
        Files.createDirectories(directory);
        TestCertificates made = new TestCertificates(directory);
        try {
            KeyPair caKeys = keyPair();
            X500Principal caName = new X500Principal("CN=Corral Test CA,O=Corral");
            X509Certificate ca = certificate(caName, caKeys, caName, caKeys.getPrivate(), true, false);
            made.pem("ca.pem", List.of(), List.of(ca));
            made.trustStore("truststore.p12", "PKCS12", ca);
            made.trustStore("truststore.jks", "JKS", ca);
            made.identity("server", "CN=localhost,OU=test,O=Corral", true, caKeys, ca);
            made.identity("otherhost", "CN=other.example,OU=test,O=Corral", true, caKeys, ca);
            made.identity("client", CLIENT_SUBJECT, false, caKeys, ca);
            made.identity("client2", CLIENT2_SUBJECT, false, caKeys, ca);
            KeyPair untrusted = keyPair();
            X500Principal untrustedName = new X500Principal("CN=untrusted,OU=test,O=Corral");
            made.stores("untrusted", untrusted.getPrivate(),
                    List.of(certificate(untrustedName, untrusted, untrustedName, untrusted.getPrivate(), false, false)));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make test certificates: " + e, e);
        }
        return made;
    }

    public Path directory() {
        return directory;
    }

    public Path file(String name) {
        return directory.resolve(name);
    }

    private void identity(String name, String subject, boolean server, KeyPair caKeys, X509Certificate ca)
            throws GeneralSecurityException, IOException {
        KeyPair keys = keyPair();
        X509Certificate leaf = certificate(new X500Principal(subject), keys, ca.getSubjectX500Principal(), caKeys.getPrivate(), false, server);
        stores(name, keys.getPrivate(), List.of(leaf, ca));
    }

    private void stores(String name, PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException, IOException {
        for (String type : new String[] {"PKCS12", "JKS"}) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            store.setKeyEntry(name, key, PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            write(name + (type.equals("JKS") ? ".jks" : ".p12"), store);
        }
        pem(name + ".pem", List.of(key.getEncoded()), chain);
    }

    private void trustStore(String file, String type, X509Certificate ca) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        write(file, store);
    }

    private void write(String file, KeyStore store) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(file(file))) {
            store.store(out, PASSWORD.toCharArray());
        }
    }

    private void pem(String file, List<byte[]> keys, List<X509Certificate> chain) throws GeneralSecurityException, IOException {
        StringBuilder text = new StringBuilder();
        for (byte[] key : keys) {
            text.append(block("PRIVATE KEY", key));
        }
        for (X509Certificate certificate : chain) {
            text.append(block("CERTIFICATE", certificate.getEncoded()));
        }
        Files.writeString(file(file), text, StandardCharsets.US_ASCII);
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** An X.509 v3 certificate (RFC 5280 section 4.1) of {@code subject}'s public key, signed by the issuer's key. */
    private static X509Certificate certificate(X500Principal subject, KeyPair subjectKeys, X500Principal issuer, PrivateKey issuerKey,
            boolean authority, boolean server) throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        List<byte[]> extensions = new ArrayList<>();
        if (authority) {
            // basicConstraints (critical): cA TRUE; OpenSSL (kazoo's TLS) refuses an issuer without it.
            extensions.add(Der.sequence(Der.oid("2.5.29.19"), Der.bool(true), Der.octetString(Der.sequence(Der.bool(true)))));
        }
        if (server) {
            // subjectAltName: dNSName [2] localhost, iPAddress [7] 127.0.0.1 (otherhost: other.example, 192.0.2.1), for host name checks.
            boolean loopback = subject.getName().startsWith("CN=localhost");
            byte[] names = Der.sequence(Der.tlv(0x82, (loopback ? "localhost" : "other.example").getBytes(StandardCharsets.US_ASCII)),
                    Der.tlv(0x87, InetAddress.getByName(loopback ? "127.0.0.1" : "192.0.2.1").getAddress()));
            extensions.add(Der.sequence(Der.oid("2.5.29.17"), Der.octetString(names)));
        }
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        List<byte[]> fields = new ArrayList<>(List.of(
                Der.explicit(0, Der.integer(2)),
                Der.integer(SERIALS.incrementAndGet()),
                algorithm,
                issuer.getEncoded(),
                Der.sequence(Der.utcTime(now.minus(Duration.ofHours(1))), Der.utcTime(now.plus(Duration.ofDays(2)))),
                subject.getEncoded(),
                subjectKeys.getPublic().getEncoded()));
        if (!extensions.isEmpty()) {
            // RFC 5280: extensions, when present, hold at least one.
            fields.add(Der.explicit(3, Der.sequence(extensions.toArray(new byte[0][]))));
        }
        byte[] tbs = Der.sequence(fields.toArray(new byte[0][]));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKey);
        signer.update(tbs);
        byte[] encoded = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(encoded));
    }
}
