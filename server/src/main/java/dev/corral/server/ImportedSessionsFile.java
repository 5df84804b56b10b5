package dev.corral.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sessions that keep ZooKeeper's computable password although the installation has a session secret
 * ({@link dev.corral.node.SessionPasswords}), in {@code <dataDir>/zookeeper-sessions}: those import-zookeeper
 * brought over from a ZooKeeper data directory, whose clients hold the password ZooKeeper gave them. One
 * session id in hex per line, after a comment line; written once by the importer, read at every start.
 * export-zookeeper and import-zookeeper carry it with the secret, so that a state moved out and back in
 * keeps both kinds of passwords.
 */
public final class ImportedSessionsFile {
    static final String NAME = "zookeeper-sessions";

    private ImportedSessionsFile() {}

    /** Writes the list into {@code dataDir}, replacing any. */
    public static void write(Path dataDir, Collection<Long> sessionIds) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Sessions imported from ZooKeeper: they keep ZooKeeper's passwords, which their clients hold");
        new TreeSet<>(sessionIds).forEach(id -> lines.add("0x" + Long.toHexString(id)));
        Files.write(dataDir.resolve(NAME), lines, StandardCharsets.US_ASCII);
    }

    /** The session ids listed in {@code dataDir}; none when there is no list. A line that is not an id is an error naming it. */
    static Set<Long> read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        Set<Long> ids = new TreeSet<>();
        if (!Files.exists(file)) {
            return ids;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                ids.add(Long.parseUnsignedLong(line.startsWith("0x") ? line.substring(2) : line, 16));
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (i + 1) + ": expected a session id in hex, got '" + line + "'", e);
            }
        }
        return ids;
    }

    /** Copies the list of data directory {@code from}, if it has one, into {@code to}; whether there was one. */
    public static boolean copy(Path from, Path to) throws IOException {
        Path source = from.resolve(NAME);
        if (!Files.exists(source)) {
            return false;
        }
        read(from); // refuse to carry a damaged list
        Files.copy(source, to.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
        return true;
    }
}
