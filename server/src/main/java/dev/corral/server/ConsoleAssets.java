package dev.corral.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's page, script and style sheet, served from the server's own classpath (resources under
 * dev/corral/server/console/): no asset comes from the network and nothing is built at run time. Only
 * the named files are served, so no path of a request reaches the classpath.
 */
final class ConsoleAssets {
    private static final Map<String, String> TYPES = Map.of(
            "/console/index.html", "text/html",
            "/console/app.js", "text/javascript",
            "/console/app.css", "text/css",
            "/console/charts.js", "text/javascript");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    HttpServer.Response serve(String path) {
        String type = TYPES.get(path);
        if (type == null) {
            return HttpServer.Response.json(404, "{\"error\":\"no such console file\"}");
        }
        byte[] body = cache.computeIfAbsent(path, ConsoleAssets::load);
        // The page may load nothing but its own files: a script injected through a znode's data has nowhere to go.
        return new HttpServer.Response(200, type, body, Map.of("Cache-Control", "no-cache",
                "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
                "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer"));
    }

    private static byte[] load(String path) {
        String resource = "console/" + path.substring("/console/".length());
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console file " + resource + " is missing from the server's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
