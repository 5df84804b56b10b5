package dev.corral.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.0 request to an admin server, over plain TCP or TLS, on a socket of its own, so that a test sees
 * exactly what the server sends (status, headers, body, the certificate it presented) and a refused TLS
 * handshake as an IOException at once. HTTP/1.0 so that both Jetty (ZooKeeper) and Netty (Corral) answer
 * with the whole body and close, without chunks to decode. The TLS side trusts {@code certs}' authority and
 * checks no host name.
 */
public final class HttpProbe {
    private static final int READ_BOUND_MS = 20_000;

    /**
     * An answer.
     *
     * @param headers the header fields, names in lower case
     * @param serverSubject the subject of the certificate the server presented; null over plain HTTP
     */
    public record Answer(int status, Map<String, String> headers, String body, String serverSubject) {}

    /** How to reach the server: plain, or TLS with a client key store of {@code certs} (null: no certificate). */
    public record Transport(TestCertificates certs, String keyStore) {
        public static final Transport PLAIN = new Transport(null, null);

        public static Transport tls(TestCertificates certs, String keyStore) {
            return new Transport(certs, keyStore);
        }
    }

    private HttpProbe() {}

    /** {@code method path} with an Authorization header unless {@code authorization} is null. */
    public static Answer send(Transport transport, int port, String method, String path, String authorization) throws IOException {
        try (Socket socket = open(transport, port)) {
            socket.setSoTimeout(READ_BOUND_MS);
            String serverSubject = null;
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
                serverSubject = ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            }
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n");
            if (authorization != null) {
                request.append("Authorization: ").append(authorization).append("\r\n");
            }
            if (method.equals("POST")) {
                request.append("Content-Length: 0\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8), serverSubject);
        }
    }

    private static Socket open(Transport transport, int port) throws IOException {
        if (transport.certs() == null) {
            return new Socket("127.0.0.1", port);
        }
        try {
            return TlsProbe.context(transport.certs(), transport.keyStore()).getSocketFactory().createSocket("127.0.0.1", port);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test certificates: " + e, e);
        }
    }

    private static Answer parse(String text, String serverSubject) throws IOException {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("not an HTTP answer (" + text.length() + " characters): " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Answer(Integer.parseInt(status[1]), headers, text.substring(end + 4), serverSubject);
    }
}
