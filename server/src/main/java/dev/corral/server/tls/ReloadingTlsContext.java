package dev.corral.server.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server TLS context that follows its key and trust store files: each new connection gets a context
 * built from the files as they are now, so replacing the certificates under a running server takes
 * effect for the next connection, without a restart, while connections already open keep theirs.
 *
 * <p>This is ZooKeeper 3.9's observable behaviour on its Netty client port, which builds a context from
 * the files for every connection (NettyServerCnxnFactory#initSSL); Corral builds one only when a file's
 * identity, size or modification time changed since the last build. A file that cannot be read or parsed (say,
 * half written) leaves the last good context in use and is logged once; the next change is tried again.
 *
 * <p>Thread safety: {@link #newHandler} runs on the I/O threads; the context and the fingerprint it was
 * built from change together under this object's lock.
 */
public final class ReloadingTlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingTlsContext.class);

    private final TlsSettings settings;
    // Wraps the trust store's check (null: none), for every context built.
    private final java.util.function.UnaryOperator<javax.net.ssl.X509ExtendedTrustManager> trust;
    private SslContext context;
    // Size and modification time of each store file when the current context was built, or last tried.
    private List<String> fingerprint;

    private ReloadingTlsContext(TlsSettings settings, java.util.function.UnaryOperator<javax.net.ssl.X509ExtendedTrustManager> trust,
            SslContext context, List<String> fingerprint) {
        this.settings = settings;
        this.trust = trust;
        this.context = context;
        this.fingerprint = fingerprint;
    }

    /** Builds the first context; unreadable or invalid stores fail the start, naming the file and the cause. */
    public static ReloadingTlsContext open(TlsSettings settings) throws IOException {
        return open(settings, null);
    }

    /** As {@link #open(TlsSettings)}, the trust store's check wrapped by {@code trust} ({@link TlsContexts#forServer(TlsSettings,
     * java.util.function.UnaryOperator)}). */
    public static ReloadingTlsContext open(TlsSettings settings, java.util.function.UnaryOperator<javax.net.ssl.X509ExtendedTrustManager> trust)
            throws IOException {
        List<String> fingerprint = fingerprint(settings);
        try {
            return new ReloadingTlsContext(settings, trust, TlsContexts.forServer(settings, trust), fingerprint);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IOException("cannot set up TLS from " + describe(settings) + ": " + e, e);
        }
    }

    public TlsSettings settings() {
        return settings;
    }

    /** A handler for a new server-side connection, from the context of the store files as they are now. */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        return current().newHandler(allocator);
    }

    /** As {@link #newHandler(ByteBufAllocator)}, for a peer at {@code host}, which a trust check may verify. */
    public SslHandler newHandler(ByteBufAllocator allocator, String host, int port) {
        return current().newHandler(allocator, host, port);
    }

    synchronized SslContext current() {
        List<String> now;
        try {
            now = fingerprint(settings);
        } catch (IOException e) {
            now = List.of("unreadable: " + e.getMessage());
        }
        if (!now.equals(fingerprint)) {
            fingerprint = now;
            try {
                context = TlsContexts.forServer(settings, trust);
                LOG.info("TLS ({}) key and trust stores reloaded from {}", settings.prefix(), describe(settings));
            } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
                LOG.warn("TLS ({}) stores changed but cannot be loaded, keeping the previous ones: {}", settings.prefix(), e.toString());
            }
        }
        return context;
    }

    private static List<String> fingerprint(TlsSettings settings) throws IOException {
        List<String> parts = new ArrayList<>(2);
        for (TlsSettings.Store store : new TlsSettings.Store[] {settings.keyStore(), settings.trustStore()}) {
            if (store != null) {
                BasicFileAttributes attributes = Files.readAttributes(store.location(), BasicFileAttributes.class);
                parts.add(store.location() + ":" + attributes.fileKey() + ":" + attributes.size() + ":" + attributes.lastModifiedTime());
            }
        }
        return parts;
    }

    private static String describe(TlsSettings settings) {
        return settings.keyStore().location() + (settings.trustStore() == null ? "" : " and " + settings.trustStore().location());
    }
}
