package dev.corral.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.client.AddWatchMode;
import dev.corral.client.CorralClient;
import dev.corral.client.KeeperException;
import dev.corral.client.KeeperState;
import dev.corral.client.WatchedEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One browser's login to the web console: a ZooKeeper session of its own on this server's client port,
 * authenticated as the user logged in (or as nobody) and as the browser's TLS client certificate when it sent one
 * ({@link ConsoleCertificateGrant}), so that every read and write the console makes for
 * it is checked against the ACLs, counted by the quotas and written to the audit log exactly as a
 * client's would be. A persistent recursive watch on "/" feeds the browser's event streams, so the tree
 * it shows follows changes made by anyone.
 *
 * <p>Invariant: {@code client} belongs to this login only; it is closed when the login ends or expires.
 */
final class ConsoleSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The ZooKeeper session timeout the console asks for: long enough for a slow browser, short enough to go away. */
    static final int SESSION_TIMEOUT_MS = 30_000;

    private final String token;
    private final String csrfToken;
    private final String identity;
    private final CorralClient client;
    // The browser's certificate this login carries the x509 identity of, or null.
    private final ClientCertificate certificate;
    private final ConsoleCertificateGrant grant;
    private final Set<HttpServer.EventSink> streams = new CopyOnWriteArraySet<>();
    private volatile long lastUsedMs;
    // Why the live watch could not be set (an ACL on "/" refusing READ, say), or null once it is set.
    private volatile String liveError;

    /**
     * The TLS client certificate the admin port received, and its x509 id, or a null id when it gives none (no
     * x509 scheme, or the client port's trust store does not accept it): the login is still bound to it.
     */
    record ClientCertificate(X509Certificate leaf, String subject) {}

    private ConsoleSession(String token, String csrfToken, String identity, CorralClient client, ClientCertificate certificate,
            ConsoleCertificateGrant grant, long nowMs) {
        this.token = token;
        this.csrfToken = csrfToken;
        this.identity = identity;
        this.client = client;
        this.certificate = certificate;
        this.grant = grant;
        this.lastUsedMs = nowMs;
    }

    /**
     * Opens a ZooKeeper session on {@code connectString}; gives it {@code certificate}'s x509 identity through
     * {@code grant} when there is one ({@link ConsoleCertificateGrant}); adds the digest identity
     * {@code user:password} when {@code user} is not null; and sets the live watch.
     */
    static ConsoleSession open(String connectString, String token, String csrfToken, String user, String password,
            ClientCertificate certificate, ConsoleCertificateGrant grant, long nowMs)
            throws IOException, KeeperException, InterruptedException {
        // The default watcher exists before the session it reports to: it forwards once the session is made.
        ConsoleSession[] self = new ConsoleSession[1];
        CorralClient client = CorralClient.connect(connectString, SESSION_TIMEOUT_MS, event -> {
            if (self[0] != null) {
                self[0].onStateEvent(event);
            }
        });
        try {
            if (certificate != null && certificate.subject() != null) {
                grantCertificate(client, certificate, grant).get(SESSION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            if (user != null) {
                client.addAuth("digest", (user + ":" + password).getBytes(StandardCharsets.UTF_8));
            }
        } catch (KeeperException | InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            client.close();
            throw new IOException("the console could not give its session the certificate's identity: " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>();
        if (certificate != null && certificate.subject() != null) {
            names.add("x509:" + certificate.subject());
        }
        if (user != null) {
            names.add("digest:" + user);
        }
        ConsoleSession session = new ConsoleSession(token, csrfToken, names.isEmpty() ? "anyone" : String.join(", ", names), client,
                certificate, grant, nowMs);
        self[0] = session;
        try {
            client.addWatch("/", AddWatchMode.PERSISTENT_RECURSIVE, session::onChange);
        } catch (KeeperException e) {
            session.liveError = "live updates are off: the server refused the watch on / (" + e.codeName() + ")";
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
        return session;
    }

    /**
     * Asks the server to give the client's current connection the certificate's identity; fails when the
     * client is between connections or the server found no such connection of this session.
     */
    private static CompletableFuture<Boolean> grantCertificate(CorralClient client, ClientCertificate certificate,
            ConsoleCertificateGrant grant) {
        InetSocketAddress local = client.localAddress();
        CompletableFuture<Boolean> granted = local == null ? CompletableFuture.completedFuture(false)
                : grant.grant(local, client.sessionId(), certificate.subject());
        return granted.thenApply(done -> {
            if (!done) {
                throw new IllegalStateException("no connection of session 0x" + Long.toHexString(client.sessionId()) + " from " + local);
            }
            return true;
        });
    }

    /** The certificate whose x509 identity this login carries, or null. */
    ClientCertificate certificate() {
        return certificate;
    }

    String token() {
        return token;
    }

    String csrfToken() {
        return csrfToken;
    }

    /** "anyone", or the login's identities: "x509:subject" for a certificate, "digest:user" for a user, comma-separated. */
    String identity() {
        return identity;
    }

    CorralClient client() {
        return client;
    }

    String liveError() {
        return liveError;
    }

    long lastUsedMs() {
        return lastUsedMs;
    }

    void touch(long nowMs) {
        lastUsedMs = nowMs;
    }

    /** Adds a browser's event stream, which hears of every change until it closes. */
    void addStream(HttpServer.EventSink sink) {
        streams.add(sink);
        sink.onClose(() -> streams.remove(sink));
        sink.send("hello", json(Map.of("identity", identity, "live", liveError == null,
                "error", liveError == null ? "" : liveError)));
    }

    int streamCount() {
        return streams.size();
    }

    private void onChange(WatchedEvent event) {
        if (event.path() == null) {
            return;
        }
        broadcast("change", json(Map.of("type", event.type().zooKeeperName(), "path", event.path(), "zxid", event.zxid())));
    }

    private void onStateEvent(WatchedEvent event) {
        // A resumed connection is a new one on the server: it has the certificate's identity only once given
        // again. Not waited for, since a watcher must not block the client's thread.
        if (certificate != null && certificate.subject() != null && event.state() == KeeperState.SYNC_CONNECTED) {
            grantCertificate(client, certificate, grant).exceptionally(e -> false);
        }
        broadcast("state", json(Map.of("state", event.state().name())));
    }

    /**
     * Sends an event to every stream. A stream whose browser is not reading fast enough drops the event
     * and is told to reload what it shows, rather than growing a queue in the server.
     */
    private void broadcast(String name, String data) {
        for (HttpServer.EventSink sink : streams) {
            if (!sink.send(name, data)) {
                sink.close();
            }
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        streams.forEach(HttpServer.EventSink::close);
        client.close();
    }
}
