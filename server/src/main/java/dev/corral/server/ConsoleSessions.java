package dev.corral.server;

import dev.corral.client.KeeperException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web console's logins, by the random token of their cookie. Each holds a ZooKeeper session, so
 * their number is bounded ({@link #SESSIONS_MAX}; the login idle longest is closed to make room) and a
 * login unused for {@link #IDLE_MS} ends. Tokens and CSRF tokens are 256 random bits from SecureRandom;
 * the cookie is HttpOnly and SameSite=Strict, and Secure when the page came over HTTPS (the admin port's TLS, or a
 * proxy's X-Forwarded-Proto), so no script of the page and no other site's request carries it. Its name carries the
 * port of the Host the browser asked for ({@link #cookieName}): a browser keeps cookies by host, not by port, so
 * the consoles of servers on one host (an ensemble on one machine) would otherwise replace each other's logins.
 *
 * <p>A login opened by a request with a TLS client certificate carries the certificate's x509 identity
 * ({@link ConsoleCertificateGrant}) and serves only requests with that same certificate: a cookie replayed
 * with another certificate, or none, finds no login.
 */
final class ConsoleSessions implements AutoCloseable {
    static final String COOKIE = "corral_console";
    static final int SESSIONS_MAX = 32;
    static final long IDLE_MS = 30 * 60_000L;

    private final SecureRandom random = new SecureRandom();
    // Where the console's sessions connect: asked at each login, since the admin port opens before the client port.
    private final java.util.function.Supplier<String> connectString;
    // Invariant: at most SESSIONS_MAX entries; guarded by this.
    private final Map<String, ConsoleSession> byToken = new LinkedHashMap<>();

    private final ConsoleCertificateGrant grant;

    ConsoleSessions(java.util.function.Supplier<String> connectString, ConsoleCertificateGrant grant) {
        this.connectString = connectString;
        this.grant = grant;
    }

    /**
     * The login of a request's cookie {@code name}, or null if it has none, it has ended, or it was opened with
     * another certificate than {@code leaf} (the request's, null for none).
     */
    ConsoleSession find(String cookieHeader, String name, java.security.cert.X509Certificate leaf, long nowMs) {
        String token = cookie(cookieHeader, name);
        List<ConsoleSession> expired = new ArrayList<>();
        ConsoleSession found;
        synchronized (this) {
            byToken.values().removeIf(s -> {
                boolean gone = nowMs - s.lastUsedMs() > IDLE_MS && s.streamCount() == 0 || !s.client().isAlive();
                if (gone) {
                    expired.add(s);
                }
                return gone;
            });
            found = token == null ? null : byToken.get(token);
        }
        expired.forEach(ConsoleSession::close);
        if (found != null && !java.util.Objects.equals(leaf, found.certificate() == null ? null : found.certificate().leaf())) {
            return null;
        }
        if (found != null) {
            found.touch(nowMs);
        }
        return found;
    }

    /**
     * Opens a login as {@code user} (null: anonymous) and with {@code certificate}'s identity (null: none), closing
     * the longest idle one if there are too many.
     */
    ConsoleSession open(String user, String password, ConsoleSession.ClientCertificate certificate, long nowMs)
            throws IOException, KeeperException, InterruptedException {
        ConsoleSession session = ConsoleSession.open(connectString.get(), newToken(), newToken(), user, password, certificate, grant, nowMs);
        ConsoleSession evicted = null;
        synchronized (this) {
            if (byToken.size() >= SESSIONS_MAX) {
                evicted = byToken.values().stream().min(java.util.Comparator.comparingLong(ConsoleSession::lastUsedMs)).orElseThrow();
                byToken.remove(evicted.token());
            }
            byToken.put(session.token(), session);
        }
        if (evicted != null) {
            evicted.close();
        }
        return session;
    }

    /** Ends a login and its ZooKeeper session. */
    void close(ConsoleSession session) {
        synchronized (this) {
            byToken.remove(session.token());
        }
        session.close();
    }

    synchronized int size() {
        return byToken.size();
    }

    /**
     * The login cookie's name for a request with this Host header: {@link #COOKIE}, then "_" and the port when
     * the Host names one. The port the browser sees, so a proxy in front keeps it apart from other origins too.
     */
    static String cookieName(String hostHeader) {
        if (hostHeader != null) {
            int colon = hostHeader.lastIndexOf(':');
            String port = colon < 0 ? "" : hostHeader.substring(colon + 1);
            if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(Character::isDigit)) {
                return COOKIE + "_" + port;
            }
        }
        return COOKIE;
    }

    /** The Set-Cookie value that gives the browser a login, in cookie {@code name}. */
    static String setCookie(String name, ConsoleSession session, boolean secure) {
        return name + "=" + session.token() + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Whether {@code given} is the login's CSRF token, compared in constant time. */
    static boolean csrfMatches(ConsoleSession session, String given) {
        return given != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of cookie {@code name} in a Cookie header, or null. */
    static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String trimmed = part.trim();
            if (trimmed.startsWith(name + "=")) {
                return trimmed.substring(name.length() + 1);
            }
        }
        return null;
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        List<ConsoleSession> all;
        synchronized (this) {
            all = new ArrayList<>(byToken.values());
            byToken.clear();
        }
        all.forEach(ConsoleSession::close);
    }
}
