package dev.corral.server;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One file in zoo.cfg's format (java.util.Properties, as ZooKeeper loads it), read line by line so that
 * every key knows where it came from and an error can say "zoo.cfg line 7: key server.3". Also ZooKeeper's
 * dynamic configuration file (dynamicConfigFile=...), which holds server.N lines only.
 *
 * <p>One difference from Properties: a server.N key given twice with different values is refused (naming
 * both lines) where ZooKeeper silently keeps the last, since the servers of one ensemble would otherwise
 * easily disagree on it.
 */
final class ZooCfgFile {
    final Properties properties = new Properties();
    /** For each key: "file line N" of the line that set it. */
    final Map<String, String> locations = new LinkedHashMap<>();

    private ZooCfgFile() {}

    static ZooCfgFile read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        ZooCfgFile cfg = new ZooCfgFile();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            Properties one = new Properties();
            String where = file + " line " + (i + 1);
            try {
                one.load(new StringReader(lines.get(i)));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(where + ": cannot parse '" + line + "': " + e.getMessage());
            }
            for (String key : one.stringPropertyNames()) {
                cfg.put(key, one.getProperty(key).trim(), where);
            }
        }
        return cfg;
    }

    /** Sets {@code key} as read at {@code where}; a server.N line that contradicts an earlier one is refused. */
    void put(String key, String value, String where) throws ConfigException {
        String earlier = properties.getProperty(key);
        if (earlier != null && key.startsWith("server.") && !earlier.equals(value)) {
            throw new ConfigException(where + ": key " + key + ": server " + key.substring("server.".length())
                    + " is already defined at " + locations.get(key) + " as '" + earlier + "'");
        }
        properties.setProperty(key, value);
        locations.put(key, where);
    }

    /**
     * Takes the server.N lines of the dynamic configuration file that {@code dynamicConfigFile} names, as
     * ZooKeeper 3.9.5's QuorumPeerConfig#parse does: zoo.cfg must then have none of its own, and the dynamic
     * file holds nothing but server.N (and group/weight) lines, not even its version (that is in its name).
     */
    void addDynamicFile(String keyWhere) throws ConfigException {
        String name = properties.getProperty("dynamicConfigFile");
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("server.") || key.startsWith("group") || key.startsWith("weight")) {
                throw new ConfigException(locations.get(key) + ": key " + key + ": with dynamicConfigFile set (" + keyWhere
                        + ") the ensemble must be in that file, not in zoo.cfg");
            }
        }
        ZooCfgFile dynamic = read(Path.of(name));
        for (String key : dynamic.properties.stringPropertyNames()) {
            String where = dynamic.locations.get(key);
            if (key.equals("version")) {
                throw new ConfigException(where + ": key version: a dynamic configuration file must not hold its version "
                        + "(ZooKeeper takes it from the file name)");
            }
            if (!key.startsWith("server.") && !key.startsWith("group") && !key.startsWith("weight")) {
                throw new ConfigException(where + ": key " + key + ": a dynamic configuration file holds only server.N lines");
            }
            put(key, dynamic.properties.getProperty(key), where);
        }
    }
}
