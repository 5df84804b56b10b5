package dev.corral.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.KeeperException;
import dev.corral.client.NodeData;
import dev.corral.client.Op;
import dev.corral.client.Stat;
import dev.corral.client.ZnodePaths;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's JSON API under /console/api/, and its page. Every tree operation is a call of the
 * login's own ZooKeeper session ({@link ConsoleSession}), so ZooKeeper's semantics, ACLs, quotas and audit
 * apply unchanged; the API only shapes what the browser needs (a page of children with their stats, a
 * znode with data, stat and ACL in one answer, a subtree deleted leaves first).
 *
 * <p>Security: the API answers only a request with the login's cookie; a POST also needs the login's
 * CSRF token in the X-Corral-Csrf header and, if the browser sent an Origin, one of this host; credentials
 * travel only in a POST body, never in a URL; writes are refused unless admin.console.writable=true; every
 * write and login is logged with the identity that made it. Over an HTTPS admin port, a browser's TLS client
 * certificate gives every login of that browser the certificate's x509 identity ({@link ConsoleCertificateGrant}),
 * with a digest login's identity beside it, as a client presenting the certificate that calls addAuth has both.
 */
final class ConsoleApi {
    private static final Logger LOG = LoggerFactory.getLogger("dev.corral.server.Console");
    /** Made at the first request, not at start (an ObjectMapper loads some 300 classes). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    static final String CSRF_HEADER = "x-corral-csrf";
    /** Deletes sent in one multi when a subtree is deleted: the subtree goes in batches, each all or nothing. */
    static final int DELETE_BATCH = 500;

    /** What the console reads of this server beyond a client's view: znode kinds and the admin commands. */
    interface ServerView {
        /** For each path that exists in the local tree: "persistent", "ephemeral", "container" or "ttl". */
        Map<String, String> kinds(List<String> paths);

        /** An admin command's answer, as /commands/{name} gives it. */
        Map<String, Object> command(String name);

        /** The quorum's members and their lag as this server sees them ({@link EnsembleMembers}). */
        Map<String, Object> members();

        /**
         * The children's names of {@code path} in the local tree, in no order, with its pzxid; the names are left
         * out (null) when the pzxid is still {@code knownPzxid}, and {@code exists} is false for no such znode.
         */
        LocalChildren children(String path, long knownPzxid);
    }

    /** What {@link ServerView#children} read. */
    record LocalChildren(boolean exists, long pzxid, List<String> names) {}


    private final ServerConfig.Console config;
    private final ConsoleSessions sessions;
    private final ServerView server;
    private final ConsoleAssets assets = new ConsoleAssets();
    private final ConsoleHistory history;
    private final ConsoleChildren listing;
    // The x509 id of a certificate chain, null when it gives none ({@link AdminAuthentication#x509Subject}).
    private final java.util.function.Function<List<java.security.cert.X509Certificate>, String> x509Subject;

    ConsoleApi(ServerConfig.Console config, ConsoleSessions sessions, ServerView server, ConsoleHistory history,
            java.util.function.Function<List<java.security.cert.X509Certificate>, String> x509Subject) {
        this.config = config;
        this.x509Subject = x509Subject;
        this.sessions = sessions;
        this.server = server;
        this.history = history;
        this.listing = new ConsoleChildren(server);
    }

    /** Whether this API serves {@code path}: the page at "/" and everything under /console/. */
    static boolean serves(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/console/");
    }

    /** A refusal the browser shows as it is: status and message. */
    private static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    HttpServer.Response handle(HttpServer.Request request) {
        String path = request.path();
        if (!path.startsWith("/console/api/")) {
            return assets.serve(path.equals("/") ? "/console/index.html" : path.equals("/index.html") ? "/console/index.html" : path);
        }
        String route = path.substring("/console/api/".length());
        long now = System.currentTimeMillis();
        // Secure over an HTTPS admin port, or behind a TLS proxy that says so.
        boolean secure = request.tls() || "https".equalsIgnoreCase(request.header("x-forwarded-proto"));
        try {
            var chain = request.certificates();
            String cookie = ConsoleSessions.cookieName(request.header("host"));
            ConsoleSession session = sessions.find(request.header("cookie"), cookie, chain.isEmpty() ? null : chain.get(0), now);
            if (route.equals("session") && request.method().equals("GET")) {
                if (session == null) {
                    session = sessions.open(null, null, certificate(request), now);
                    if (session.certificate() != null) {
                        LOG.info("Console login as {} by its TLS client certificate (session {})", session.identity(),
                                ZnodeJson.hex(session.client().sessionId()));
                    }
                    return ok(describe(session)).withHeader("Set-Cookie", ConsoleSessions.setCookie(cookie, session, secure));
                }
                return ok(describe(session));
            }
            if (session == null) {
                throw new Refused(401, "no console login: reload the page");
            }
            if (request.method().equals("POST")) {
                checkCsrf(session, request);
            }
            return switch (request.method() + " " + route) {
                case "POST login" -> login(session, request, now, cookie, secure);
                case "POST logout" -> logout(session, now, cookie, secure);
                case "GET events" -> HttpServer.Response.events(session::addStream);
                case "GET children" -> ok(listing.page(session.client(), pathParameter(request), intParameter(request, "offset", 0),
                        intParameter(request, "limit", 100), parameter(request, "filter", "")));
                case "GET znode" -> ok(znode(session.client(), pathParameter(request)));
                case "GET count" -> ok(Map.of("path", pathParameter(request), "count", subtreeCount(session.client(), pathParameter(request))));
                case "GET search" -> ok(listing.search(session.client(), parameter(request, "prefix", "/")));
                case "POST create" -> ok(create(session, body(request)));
                case "POST set" -> ok(set(session, body(request)));
                case "POST delete" -> ok(delete(session, body(request)));
                case "POST acl" -> ok(setAcl(session, body(request)));
                case "GET export" -> ok(ConsoleExport.read(session.client(), pathParameter(request)));
                case "POST import" -> ok(importTree(session, body(request)));
                case "GET sessions" -> ok(sessionsView());
                case "GET server" -> ok(serverView());
                default -> throw new Refused(404, "no console API " + request.method() + " /console/api/" + route);
            };
        } catch (Refused e) {
            return error(e.status, e.getMessage(), null);
        } catch (KeeperException e) {
            return error(statusOf(e.code()), e.getMessage(), e.codeName());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage(), null);
        } catch (IOException e) {
            return error(503, "the console cannot reach this server's client port: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "interrupted", null);
        }
    }

    private Map<String, Object> describe(ConsoleSession session) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("identity", session.identity());
        m.put("sessionId", ZnodeJson.hex(session.client().sessionId()));
        m.put("writable", config.writable());
        m.put("csrf", session.csrfToken());
        m.put("liveError", session.liveError());
        return m;
    }

    /**
     * A POST must carry the login's CSRF token, which only a page that read /console/api/session has, and, when
     * the browser names its Origin, come from this host: another site's form or script can do neither.
     */
    private static void checkCsrf(ConsoleSession session, HttpServer.Request request) {
        if (!ConsoleSessions.csrfMatches(session, request.header(CSRF_HEADER))) {
            throw new Refused(403, "missing or wrong CSRF token: reload the page");
        }
        String origin = request.origin();
        String host = request.header("host");
        if (origin != null && (host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host)))) {
            throw new Refused(403, "a console request from another origin (" + origin + ") is refused");
        }
    }

    private void checkWritable() {
        if (!config.writable()) {
            throw new Refused(403, "the console is read-only; set admin.console.writable=true in zoo.cfg to allow changes");
        }
    }

    private HttpServer.Response login(ConsoleSession old, HttpServer.Request request, long now, String cookie, boolean secure)
            throws IOException, KeeperException, InterruptedException {
        Map<String, Object> body = body(request);
        String user = string(body, "user");
        String password = body.get("password") instanceof String p ? p : "";
        if (user.isEmpty() || user.contains(":")) {
            throw new IllegalArgumentException("a digest user name is needed, without ':'");
        }
        ConsoleSession session = sessions.open(user, password, old.certificate(), now);
        sessions.close(old);
        LOG.info("Console login as {} (session {})", session.identity(), ZnodeJson.hex(session.client().sessionId()));
        return ok(describe(session)).withHeader("Set-Cookie", ConsoleSessions.setCookie(cookie, session, secure));
    }

    private HttpServer.Response logout(ConsoleSession old, long now, String cookie, boolean secure) throws IOException, KeeperException, InterruptedException {
        sessions.close(old);
        LOG.info("Console logout of {}", old.identity());
        ConsoleSession session = sessions.open(null, null, old.certificate(), now);
        return ok(describe(session)).withHeader("Set-Cookie", ConsoleSessions.setCookie(cookie, session, secure));
    }

    /**
     * The request's TLS client certificate with the x509 id it gives, or null without one; checked against the
     * trust store when a login opens, not at each request (a login then only compares the certificate).
     */
    private ConsoleSession.ClientCertificate certificate(HttpServer.Request request) {
        List<java.security.cert.X509Certificate> chain = request.certificates();
        return chain.isEmpty() ? null : new ConsoleSession.ClientCertificate(chain.get(0), x509Subject.apply(chain));
    }

    private Map<String, Object> znode(CorralClient zk, String path) throws KeeperException, InterruptedException {
        NodeData data = zk.getData(path, false);
        var acl = zk.getAcl(path);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.putAll(ZnodeJson.data(data.data()));
        m.put("stat", ZnodeJson.stat(data.stat()));
        m.put("acl", ZnodeJson.acl(acl.acl()));
        m.put("kind", server.kinds(List.of(path)).getOrDefault(path, data.stat().ephemeralOwner() != 0 ? "ephemeral" : "persistent"));
        return m;
    }

    /** The znodes a delete of {@code path}'s subtree would delete: it and every descendant. */
    private static int subtreeCount(CorralClient zk, String path) throws KeeperException, InterruptedException {
        return zk.getAllChildrenNumber(path) + 1;
    }

    private Map<String, Object> create(ConsoleSession session, Map<String, Object> body) throws KeeperException, InterruptedException {
        checkWritable();
        String path = string(body, "path");
        CreateMode mode = mode(body.getOrDefault("mode", "PERSISTENT"));
        long ttlMs = body.get("ttlMs") instanceof Number n ? n.longValue() : 0;
        if (mode.isTtl() && ttlMs <= 0) {
            throw new IllegalArgumentException("a TTL znode needs a positive ttlMs");
        }
        List<Acl> acl = body.get("acl") == null ? List.of(new Acl(Acl.ALL, Id.ANYONE)) : ZnodeJson.acl(body.get("acl"));
        byte[] data = ZnodeJson.data(body);
        String created = mode.isTtl() ? session.client().create(path, data, acl, mode, ttlMs).path()
                : session.client().create(path, data, acl, mode).path();
        LOG.info("Console {}: create {} ({}, {} bytes)", session.identity(), created, mode, data == null ? 0 : data.length);
        return Map.of("path", created);
    }

    private static CreateMode mode(Object name) {
        try {
            return CreateMode.valueOf(String.valueOf(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode " + name + "; use one of " + List.of(CreateMode.values()));
        }
    }

    /**
     * Sets data at the version the browser read; another client's change meanwhile fails with BadVersion
     * (409) and the browser shows the znode as it is now, rather than overwriting it.
     */
    private Map<String, Object> set(ConsoleSession session, Map<String, Object> body) throws KeeperException, InterruptedException {
        checkWritable();
        String path = string(body, "path");
        int version = integer(body, "version");
        byte[] data = ZnodeJson.data(body);
        Stat stat = session.client().setData(path, data, version);
        LOG.info("Console {}: set {} at version {} ({} bytes)", session.identity(), path, version, data == null ? 0 : data.length);
        return Map.of("path", path, "stat", ZnodeJson.stat(stat));
    }

    /**
     * Deletes one znode at a version, or with {@code recursive} its whole subtree. A subtree delete names the
     * count the browser confirmed; if the subtree has another count by now, nothing is deleted and the new
     * count is returned to confirm again. The subtree goes leaves first in multis of {@link #DELETE_BATCH},
     * as ZooKeeper's ZKUtil.deleteRecursive does; a znode created meanwhile makes its parent's delete fail
     * with NotEmpty, as it would for any client.
     */
    private Map<String, Object> delete(ConsoleSession session, Map<String, Object> body) throws KeeperException, InterruptedException {
        checkWritable();
        String path = string(body, "path");
        CorralClient zk = session.client();
        if (!Boolean.TRUE.equals(body.get("recursive"))) {
            int version = body.get("version") instanceof Number n ? n.intValue() : -1;
            zk.delete(path, version);
            LOG.info("Console {}: delete {} at version {}", session.identity(), path, version);
            return Map.of("path", path, "deleted", 1);
        }
        if (path.equals("/") || path.equals("/zookeeper") || path.startsWith("/zookeeper/")) {
            throw new IllegalArgumentException("the console does not delete the subtree of " + path);
        }
        int confirmed = integer(body, "count");
        List<String> subtree = new ArrayList<>();
        subtree.add(path);
        for (int i = 0; i < subtree.size(); i++) {
            for (String child : listing.sorted(zk, subtree.get(i))) {
                subtree.add(ZnodePaths.child(subtree.get(i), child));
            }
        }
        if (subtree.size() != confirmed) {
            throw new Refused(409, "the subtree of " + path + " has " + subtree.size() + " znodes now, not the " + confirmed
                    + " confirmed; nothing was deleted");
        }
        int deleted = 0;
        for (int end = subtree.size(); end > 0; end -= DELETE_BATCH) {
            List<Op> batch = new ArrayList<>();
            for (int i = end - 1; i >= Math.max(0, end - DELETE_BATCH); i--) {
                batch.add(new Op.Delete(subtree.get(i), -1));
            }
            try {
                zk.multi(batch);
            } catch (KeeperException e) {
                LOG.info("Console {}: delete subtree {} stopped after {} of {} znodes: {}", session.identity(), path, deleted,
                        subtree.size(), e.getMessage());
                throw e;
            }
            deleted += batch.size();
        }
        LOG.info("Console {}: delete subtree {} ({} znodes)", session.identity(), path, deleted);
        return Map.of("path", path, "deleted", deleted);
    }

    private Map<String, Object> setAcl(ConsoleSession session, Map<String, Object> body) throws KeeperException, InterruptedException {
        checkWritable();
        String path = string(body, "path");
        List<Acl> acl = ZnodeJson.acl(body.get("acl"));
        int aversion = integer(body, "aversion");
        Stat stat = session.client().setAcl(path, acl, aversion);
        LOG.info("Console {}: setAcl {} at aversion {} to {}", session.identity(), path, aversion, ZnodeJson.acl(acl));
        return Map.of("path", path, "stat", ZnodeJson.stat(stat));
    }

    private Map<String, Object> importTree(ConsoleSession session, Map<String, Object> body)
            throws KeeperException, InterruptedException {
        checkWritable();
        Object document = body.get("document");
        String target = body.get("path") instanceof String p && !p.isEmpty() ? p : null;
        int created = ConsoleExport.write(session.client(), Json.MAPPER.valueToTree(document), target);
        LOG.info("Console {}: import of {} znodes under {}", session.identity(), created, target);
        return Map.of("created", created);
    }

    private Map<String, Object> sessionsView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cons", server.command("cons"));
        m.put("wchc", server.command("wchc"));
        m.put("wchp", server.command("wchp"));
        m.put("dump", server.command("dump"));
        return m;
    }

    private Map<String, Object> serverView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("srvr", server.command("srvr"));
        m.put("zabstate", server.command("zabstate"));
        m.put("voting_view", server.command("voting_view"));
        m.put("ensemble", server.members());
        m.put("ready", server.command("ruok"));
        m.put("history", history.samples());
        return m;
    }

    private static int statusOf(int code) {
        return switch (code) {
            case ErrorCode.NOAUTH -> 403;
            case ErrorCode.NONODE -> 404;
            case ErrorCode.BADVERSION, ErrorCode.NODEEXISTS, ErrorCode.NOTEMPTY -> 409;
            case ErrorCode.CONNECTIONLOSS, ErrorCode.SESSIONEXPIRED -> 503;
            default -> 400;
        };
    }

    private static String pathParameter(HttpServer.Request request) {
        String path = parameter(request, "path", "/");
        ZnodePaths.validate(path);
        return path;
    }

    private static String parameter(HttpServer.Request request, String name, String fallback) {
        List<String> values = request.uri().parameters().get(name);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    private static int intParameter(HttpServer.Request request, String name, int fallback) {
        String value = parameter(request, name, null);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter " + name + " is not a number: " + value);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(HttpServer.Request request) {
        try {
            Object parsed = Json.MAPPER.readValue(request.body(), Object.class);
            if (parsed instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body is not JSON: " + e.getMessage());
        }
        throw new IllegalArgumentException("the request body is not a JSON object");
    }

    private static String string(Map<String, Object> body, String key) {
        if (body.get(key) instanceof String value) {
            return value;
        }
        throw new IllegalArgumentException("\"" + key + "\" is needed, as a string");
    }

    private static int integer(Map<String, Object> body, String key) {
        if (body.get(key) instanceof Number value) {
            return value.intValue();
        }
        throw new IllegalArgumentException("\"" + key + "\" is needed, as a number");
    }

    private static HttpServer.Response ok(Object value) {
        return HttpServer.Response.json(200, write(value)).withHeader("Cache-Control", "no-store");
    }

    private static HttpServer.Response error(int status, String message, String code) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        m.put("code", code);
        return HttpServer.Response.json(status, write(m)).withHeader("Cache-Control", "no-store");
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
