package dev.corral.server.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Key and trust stores in PEM files, read as ZooKeeper 3.9's {@code PemReader} reads them, so that the
 * files an operator made for ZooKeeper work unchanged:
 * <pre>
 * key store   := one file holding a private key block and the certificate chain (leaf first), any order
 * private key := "-----BEGIN [ENCRYPTED ]PRIVATE KEY-----" base64 PKCS#8 "-----END ... PRIVATE KEY-----"
 *                (PKCS#8 only, not OpenSSL's traditional "RSA PRIVATE KEY"; encrypted exactly when the
 *                key store password is not empty; RSA, EC or DSA)
 * trust store := one file of "-----BEGIN CERTIFICATE-----" blocks; every certificate is trusted
 * </pre>
 */
final class PemFiles {
    private static final Pattern CERTIFICATE = Pattern.compile(
            "-+BEGIN\\s+.*CERTIFICATE[^-]*-+(?:\\s|\\r|\\n)+([a-z0-9+/=\\r\\n]+)-+END\\s+.*CERTIFICATE[^-]*-+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-+BEGIN\\s+.*PRIVATE\\s+KEY[^-]*-+(?:\\s|\\r|\\n)+([a-z0-9+/=\\r\\n]+)-+END\\s+.*PRIVATE\\s+KEY[^-]*-+",
            Pattern.CASE_INSENSITIVE);

    private PemFiles() {}

    /** A key store of one entry, "key", holding the file's private key and certificate chain. */
    static KeyStore keyStore(byte[] file, String password) throws GeneralSecurityException {
        String text = new String(file, StandardCharsets.US_ASCII);
        List<X509Certificate> chain = certificates(text);
        if (chain.isEmpty()) {
            throw new CertificateException("the PEM key store holds no certificate");
        }
        KeyStore store = emptyStore();
        store.setKeyEntry("key", privateKey(text, password), password.toCharArray(), chain.toArray(new Certificate[0]));
        return store;
    }

    /** A trust store of every certificate in the file, each under its subject's name. */
    static KeyStore trustStore(byte[] file) throws GeneralSecurityException {
        List<X509Certificate> certificates = certificates(new String(file, StandardCharsets.US_ASCII));
        if (certificates.isEmpty()) {
            throw new CertificateException("the PEM trust store holds no certificate");
        }
        KeyStore store = emptyStore();
        for (X509Certificate certificate : certificates) {
            store.setCertificateEntry(certificate.getSubjectX500Principal().getName("RFC2253"), certificate);
        }
        return store;
    }

    static List<X509Certificate> certificates(String text) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher matcher = CERTIFICATE.matcher(text);
        while (matcher.find()) {
            certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(matcher.group(1)))));
        }
        return certificates;
    }

    static PrivateKey privateKey(String text, String password) throws GeneralSecurityException {
        Matcher matcher = PRIVATE_KEY.matcher(text);
        if (!matcher.find()) {
            throw new KeyStoreException("the PEM key store holds no PKCS#8 private key");
        }
        byte[] encoded = decode(matcher.group(1));
        PKCS8EncodedKeySpec spec;
        if (password.isEmpty()) {
            spec = new PKCS8EncodedKeySpec(encoded);
        } else {
            try {
                EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(encoded);
                Cipher cipher = Cipher.getInstance(info.getAlgName());
                cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(info.getAlgName())
                        .generateSecret(new PBEKeySpec(password.toCharArray())), info.getAlgParameters());
                spec = info.getKeySpec(cipher);
            } catch (java.io.IOException e) {
                throw new KeyStoreException("the PEM private key is not encrypted PKCS#8, yet a key store password is set", e);
            }
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException notThisOne) {
                // try the next algorithm, as ZooKeeper does
            }
        }
        return KeyFactory.getInstance("DSA").generatePrivate(spec);
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("JKS");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new KeyStoreException(e);
        }
        return store;
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
    }
}
