package dev.corral.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds Netty TLS contexts from {@link TlsSettings}, as ZooKeeper 3.9's ClientX509Util builds its Netty
 * contexts: the JDK's TLS provider, a PKIX key manager over the key store, a PKIX trust manager over the
 * trust store (the JDK's default trust when none is set), the enabled protocols, ZooKeeper's default
 * cipher suites unless {@code ciphersuites} names others, and on a server the client authentication
 * asked for. A client context (the quorum ports' connecting side) checks the server's host name unless
 * {@code hostnameVerification=false}.
 */
public final class TlsContexts {
    /** X509Util's default suites, in its order for Java 9 and later: GCM, then CBC, then TLSv1.3's. */
    private static final List<String> ZOOKEEPER_DEFAULT_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {}

    /** A server context: presents the key store's certificate, asks for the client's as {@code clientAuth} says. */
    public static SslContext forServer(TlsSettings settings) throws GeneralSecurityException, IOException {
        return forServer(settings, null);
    }

    /**
     * As {@link #forServer(TlsSettings)}, the trust store's check wrapped by {@code trust} (null: as it is), for
     * checks of the peer beyond its chain ({@link PeerHostVerifier}).
     */
    public static SslContext forServer(TlsSettings settings, java.util.function.UnaryOperator<javax.net.ssl.X509ExtendedTrustManager> trust)
            throws GeneralSecurityException, IOException {
        SslContextBuilder builder = SslContextBuilder.forServer(keyManagers(settings.keyStore()))
                .clientAuth(switch (settings.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case WANT -> ClientAuth.OPTIONAL;
                    case NEED -> ClientAuth.REQUIRE;
                });
        return finish(builder, settings, trust);
    }

    /** A client context: presents the key store's certificate and trusts what the trust store holds. */
    public static SslContext forClient(TlsSettings settings) throws GeneralSecurityException, IOException {
        return forClient(settings, null);
    }

    /**
     * As {@link #forClient(TlsSettings)}; with {@code trust} (not null) the trust store's check is wrapped by it,
     * which then checks the server's host in place of the JDK's HTTPS endpoint identification.
     */
    public static SslContext forClient(TlsSettings settings, java.util.function.UnaryOperator<javax.net.ssl.X509ExtendedTrustManager> trust)
            throws GeneralSecurityException, IOException {
        SslContextBuilder builder = SslContextBuilder.forClient().keyManager(keyManagers(settings.keyStore()));
        if (settings.hostnameVerification() && trust == null) {
            builder.endpointIdentificationAlgorithm("HTTPS");
        }
        return finish(builder, settings, trust);
    }

    private static SslContext finish(SslContextBuilder builder, TlsSettings settings,
            java.util.function.UnaryOperator<javax.net.ssl.X509ExtendedTrustManager> trust) throws GeneralSecurityException, IOException {
        if (trust != null) {
            TrustManagerFactory factory = settings.trustStore() != null ? trustManagers(settings.trustStore()) : defaultTrust();
            builder.trustManager(trust.apply(extended(factory)));
        } else if (settings.trustStore() != null) {
            builder.trustManager(trustManagers(settings.trustStore()));
        }
        return builder.sslProvider(SslProvider.JDK)
                .protocols(settings.enabledProtocols())
                .ciphers(settings.cipherSuites() != null ? settings.cipherSuites() : defaultSuites())
                .build();
    }

    /** ZooKeeper's default suites that this JDK supports, in ZooKeeper's order. */
    static List<String> defaultSuites() throws GeneralSecurityException {
        SSLParameters supported = SSLContext.getDefault().getSupportedSSLParameters();
        List<String> suites = new ArrayList<>(ZOOKEEPER_DEFAULT_SUITES);
        suites.retainAll(Arrays.asList(supported.getCipherSuites()));
        return suites;
    }

    static KeyManagerFactory keyManagers(TlsSettings.Store store) throws GeneralSecurityException, IOException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(load(store, true), store.password().toCharArray());
        return factory;
    }

    /** The X.509 trust manager of {@code store}, to check a chain that did not come through a handshake with it. */
    public static javax.net.ssl.X509TrustManager trustManager(TlsSettings.Store store) throws GeneralSecurityException, IOException {
        for (javax.net.ssl.TrustManager manager : trustManagers(store).getTrustManagers()) {
            if (manager instanceof javax.net.ssl.X509TrustManager x509) {
                return x509;
            }
        }
        throw new java.security.KeyStoreException("no X.509 trust manager for " + store.location());
    }

    private static TrustManagerFactory defaultTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init((KeyStore) null);
        return factory;
    }

    private static javax.net.ssl.X509ExtendedTrustManager extended(TrustManagerFactory factory) throws GeneralSecurityException {
        for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof javax.net.ssl.X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new java.security.KeyStoreException("no X.509 trust manager");
    }

    static TrustManagerFactory trustManagers(TlsSettings.Store store) throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(load(store, false));
        return factory;
    }

    /** Reads a store file in its format; {@code keys}: whether it is a key store (PEM files differ by role). */
    static KeyStore load(TlsSettings.Store store, boolean keys) throws GeneralSecurityException, IOException {
        byte[] file = Files.readAllBytes(store.location());
        switch (store.type()) {
            case PEM:
                return keys ? PemFiles.keyStore(file, store.password()) : PemFiles.trustStore(file);
            case JKS:
            case PKCS12:
                KeyStore keyStore = KeyStore.getInstance(store.type().name());
                keyStore.load(new ByteArrayInputStream(file), store.password().toCharArray());
                return keyStore;
            default:
                throw new java.security.KeyStoreException(store.type() + " stores need the BouncyCastle FIPS provider, "
                        + "which Corral does not include; convert " + store.location() + " to PKCS12 or PEM");
        }
    }
}
