package dev.corral.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS socket that sends one four-letter word to a server's TLS port and reads the whole answer. It
 * reports a refused handshake at once (an IOException), where the official client would retry, so a test
 * can tell which certificates a server accepts.
 */
public final class TlsProbe {
    private static final int READ_BOUND_MS = 20_000;

    private TlsProbe() {}

    /**
     * Sends {@code word} with the PKCS12 key store {@code keyStore} of {@code certs} (null: no certificate),
     * trusting {@code certs}' authority; a refused handshake, or a connection closed without an answer, is
     * an IOException.
     */
    public static String fourLetterWord(TestCertificates certs, String keyStore, int port, String word) throws IOException {
        SSLContext context = loadedContext(certs, keyStore);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_BOUND_MS);
            socket.startHandshake();
            socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (answer.isEmpty()) {
                throw new IOException("the server closed the TLS connection without an answer");
            }
            return answer;
        }
    }

    /**
     * Whether the server at {@code port} takes a TLS connection presenting the PKCS12 key store {@code keyStore}
     * of {@code certs} (null: no certificate): the handshake completes and the server, waiting for its protocol's
     * first message, keeps the connection open for {@code quietMs}. A refused handshake, or a connection the
     * server ends (TLS 1.3 refuses a client certificate after the client's side of the handshake), is false.
     */
    public static boolean acceptsTls(TestCertificates certs, String keyStore, int port, int quietMs) throws IOException {
        SSLContext context = loadedContext(certs, keyStore);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(quietMs);
            socket.startHandshake();
            return socket.getInputStream().read() >= 0;
        } catch (java.net.SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static SSLContext loadedContext(TestCertificates certs, String keyStore) throws IOException {
        try {
            return context(certs, keyStore);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test certificates: " + e, e);
        }
    }

    /** A client context with the PKCS12 key store {@code keyStore} of {@code certs} (null: none), trusting their authority. */
    public static SSLContext context(TestCertificates certs, String keyStore) throws GeneralSecurityException, IOException {
        KeyManagerFactory keys = null;
        if (keyStore != null) {
            keys = KeyManagerFactory.getInstance("PKIX");
            keys.init(load(certs.file(keyStore)), TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(load(certs.file("truststore.p12")));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return store;
    }
}
