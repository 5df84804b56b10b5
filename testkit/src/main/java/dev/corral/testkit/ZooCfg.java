package dev.corral.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of a zoo.cfg file: {@code key=value} lines in the order they were put, as an operator writes
 * them (tickTime, initLimit, syncLimit, dataDir, clientPort, ..., then the {@code server.N} lines). Putting
 * a key again replaces its value in place; removing one leaves it out. Both targets read the same file.
 *
 * <p>Invariant: every key and value is one line without {@code =} in the key, so the file reads back as
 * written (ZooKeeper 3.9 reads zoo.cfg with {@code java.util.Properties}).
 */
public final class ZooCfg {
    private final Map<String, String> entries = new LinkedHashMap<>();

    /**
     * A standalone server's file as the tests and the bench start both targets with: clients on 127.0.0.1
     * only, no admin server (its port would be one more to choose), every four-letter word allowed.
     */
    public static ZooCfg standalone(int tickMs, Path dataDirectory, int clientPort) {
        return new ZooCfg()
                .put("tickTime", Integer.toString(tickMs))
                .put("dataDir", dataDirectory.toString())
                .put("clientPort", Integer.toString(clientPort))
                .put("clientPortAddress", "127.0.0.1")
                .put("admin.enableServer", "false")
                .put("4lw.commands.whitelist", "*");
    }

    public ZooCfg put(String key, String value) {
        if (key.isBlank() || key.contains("=") || key.contains("\n") || value.contains("\n")) {
            throw new IllegalArgumentException("zoo.cfg entry '" + key + "=" + value + "' is not one key=value line");
        }
        entries.put(key, value);
        return this;
    }

    public ZooCfg putAll(Map<String, String> more) {
        more.forEach(this::put);
        return this;
    }

    public ZooCfg remove(String key) {
        entries.remove(key);
        return this;
    }

    public String get(String key) {
        return entries.get(key);
    }

    /** The clientPort entry; a zoo.cfg without one names no port a client could use. */
    public int clientPort() {
        String port = entries.get("clientPort");
        if (port == null) {
            throw new IllegalStateException("zoo.cfg has no clientPort:\n" + text());
        }
        return Integer.parseInt(port);
    }

    /** True when the file lists {@code server.N} lines: ZooKeeper then runs QuorumPeerMain's quorum mode. */
    public boolean listsServers() {
        return entries.keySet().stream().anyMatch(key -> key.matches("server\\.[0-9]+"));
    }

    public String text() {
        StringBuilder text = new StringBuilder();
        entries.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    public Path write(Path file) throws IOException {
        return Files.writeString(file, text(), StandardCharsets.UTF_8);
    }
}
