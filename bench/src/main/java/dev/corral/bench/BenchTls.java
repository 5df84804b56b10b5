package dev.corral.bench;

import dev.corral.testkit.Directories;
import dev.corral.testkit.Poll;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.TestCertificates;
import dev.corral.testkit.TlsProbe;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLSession;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ClientInfo;

/**
 * TLS on the client port for the {@code tls-} workloads, the same for both servers: certificates made for
 * the comparison (the test kit's {@link TestCertificates}: an EC P-256 authority, a server certificate for
 * localhost and 127.0.0.1, a client certificate; PKCS12 stores), the zoo.cfg keys that give a server a TLS
 * client port beside its plain one, and the official client's settings as ZooKeeper's administrator guide
 * gives them ("Client-Server mutual authentication"), per session through {@link ZKClientConfig}.
 *
 * <p>Both servers keep ZooKeeper's TLS defaults (protocol TLSv1.3, X509Util's cipher suites, ssl.clientAuth
 * need) and the JDK's TLS provider: ZooKeeper's {@code ssl.sslProvider} defaults to it (3.9.5 brings
 * netty-tcnative-boringssl-static along, used only with {@code ssl.sslProvider=OPENSSL}, an option Corral has not),
 * and Corral's client port always uses it ({@code TlsContexts}). ZooKeeper needs its Netty connection factory for TLS.
 *
 * <p>{@link #verify} proves that a session really runs over TLS, so that a run cannot silently measure plain
 * TCP: the client's own channel holds a Netty {@link SslHandler} with a negotiated session, and the server's
 * whoAmI names the client certificate (the x509 scheme), which it can only have seen in a TLS handshake.
 */
final class BenchTls implements AutoCloseable {
    /** The client's key store: a certificate of the test authority, which both servers require (clientAuth need). */
    static final String CLIENT_KEY_STORE = "client.p12";
    private static final Duration SERVING_BOUND = Duration.ofMinutes(1);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(50);

    private final TestCertificates certificates;

    private BenchTls(TestCertificates certificates) {
        this.certificates = certificates;
    }

    /** Certificates made in a new temporary directory, deleted by {@link #close}. */
    static BenchTls create() throws IOException {
        return new BenchTls(TestCertificates.generate(Files.createTempDirectory("corral-bench-tls-")));
    }

    /**
     * The zoo.cfg keys of a TLS client port on 127.0.0.1:{@code securePort} beside the plain one, read alike
     * by both servers; ZooKeeper's Netty connection factory, which it needs for TLS (Corral accepts the key).
     */
    Map<String, String> serverSettings(int securePort) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        settings.put("secureClientPort", Integer.toString(securePort));
        settings.put("secureClientPortAddress", "127.0.0.1");
        settings.put("ssl.keyStore.location", certificates.file("server.p12").toString());
        settings.put("ssl.keyStore.password", TestCertificates.PASSWORD);
        settings.put("ssl.trustStore.location", certificates.file("truststore.p12").toString());
        settings.put("ssl.trustStore.password", TestCertificates.PASSWORD);
        return settings;
    }

    /** The secureClientPort of the zoo.cfg {@code server} was started with. */
    static int securePort(ServerProcess server) throws IOException {
        Properties cfg = new Properties();
        try (InputStream in = Files.newInputStream(server.home().resolve("zoo.cfg"))) {
            cfg.load(in);
        }
        String port = cfg.getProperty("secureClientPort");
        if (port == null) {
            throw new IOException(server.label() + " was started without a secureClientPort");
        }
        return Integer.parseInt(port.trim());
    }

    /**
     * Waits until {@code port} answers a four-letter word over TLS, at most a minute: ZooKeeper opens its secure
     * port after the plain one, which is what {@link ServerProcess} waits for.
     */
    void awaitServing(ServerProcess server, int port) throws IOException, InterruptedException {
        boolean serving = Poll.until(SERVING_BOUND, PROBE_INTERVAL, () -> {
            try {
                return TlsProbe.fourLetterWord(certificates, CLIENT_KEY_STORE, port, "srvr").startsWith("Zookeeper version");
            } catch (IOException e) {
                return false;
            }
        });
        if (!serving) {
            throw new IOException(server.failure("did not answer over TLS on port " + port + " within " + SERVING_BOUND.toSeconds() + " s"));
        }
    }

    /**
     * A client configuration for one session over TLS: {@link Clients#config()} with zookeeper.client.secure,
     * the Netty client socket (the only one that speaks TLS), the client's key store and the authority's
     * trust store. Hostname verification stays on (the server certificate names 127.0.0.1).
     */
    ZKClientConfig clientConfig() {
        ZKClientConfig config = Clients.config();
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty("zookeeper.ssl.keyStore.location", certificates.file(CLIENT_KEY_STORE).toString());
        config.setProperty("zookeeper.ssl.keyStore.password", TestCertificates.PASSWORD);
        config.setProperty("zookeeper.ssl.trustStore.location", certificates.file("truststore.p12").toString());
        config.setProperty("zookeeper.ssl.trustStore.password", TestCertificates.PASSWORD);
        return config;
    }

    /** What one session negotiated: e.g. TLSv1.3 and TLS_AES_256_GCM_SHA384. */
    record Negotiated(String protocol, String cipherSuite) {
        @Override
        public String toString() {
            return protocol + " " + cipherSuite;
        }
    }

    /**
     * What {@code zk}'s connection negotiated, after checking that it runs over TLS on both ends: its channel has
     * a completed TLS handshake, and the server's whoAmI names the client certificate ({@code x509:} its
     * subject). An IOException says which check failed.
     */
    static Negotiated verify(ZooKeeper zk) throws IOException, InterruptedException {
        SslHandler ssl = channel(zk).pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            throw new IOException("session 0x" + Long.toHexString(zk.getSessionId()) + " is not over TLS: its channel has "
                    + (ssl == null ? "no TLS handler" : "no completed TLS handshake"));
        }
        SSLSession session = ssl.engine().getSession();
        List<ClientInfo> identities = zk.whoAmI();
        boolean certificateSeen = identities.stream().anyMatch(info -> info.getAuthScheme().equals("x509")
                && info.getUser().equals(TestCertificates.CLIENT_SUBJECT));
        if (!certificateSeen) {
            throw new IOException("session 0x" + Long.toHexString(zk.getSessionId()) + ": the server's whoAmI does not name"
                    + " the client certificate (x509:" + TestCertificates.CLIENT_SUBJECT + "): " + identities.stream()
                    .map(info -> info.getAuthScheme() + ":" + info.getUser()).toList());
        }
        return new Negotiated(session.getProtocol(), session.getCipherSuite());
    }

    /**
     * The Netty channel of {@code zk}'s connection. The 3.9.5 client has no API for it, so this follows its
     * private fields: ZooKeeper.cnxn, ClientCnxn.sendThread, SendThread.clientCnxnSocket,
     * ClientCnxnSocketNetty.channel. A client on another socket (plain NIO) fails here, as it should.
     */
    private static Channel channel(ZooKeeper zk) throws IOException {
        Object cnxn = field(zk, ZooKeeper.class, "cnxn");
        Object sendThread = field(cnxn, cnxn.getClass(), "sendThread");
        Object socket = field(sendThread, sendThread.getClass(), "clientCnxnSocket");
        if (!socket.getClass().getName().equals("org.apache.zookeeper.ClientCnxnSocketNetty")) {
            throw new IOException("session 0x" + Long.toHexString(zk.getSessionId()) + " is not over TLS: its client socket is "
                    + socket.getClass().getName());
        }
        Object channel = field(socket, socket.getClass(), "channel");
        if (!(channel instanceof Channel netty)) {
            throw new IOException("session 0x" + Long.toHexString(zk.getSessionId()) + " has no open channel");
        }
        return netty;
    }

    private static Object field(Object owner, Class<?> type, String name) throws IOException {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read " + type.getName() + "." + name + " of the ZooKeeper 3.9.5 client: " + e, e);
        }
    }

    @Override
    public void close() {
        Directories.deleteRecursively(certificates.directory());
    }
}
