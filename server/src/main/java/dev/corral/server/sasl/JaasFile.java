package dev.corral.server.sasl;

import java.io.IOException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * The JAAS file ZooKeeper's servers read ({@code -Djava.security.auth.login.config=...}), parsed by the JDK's own
 * JAAS configuration parser, so that its syntax is exactly what ZooKeeper accepts. Corral reads the options of
 * its sections and loads no login module class: ZooKeeper's DigestLoginModule only copies {@code username} and
 * {@code password} into a Subject, and its server callback handlers read the {@code user_<name>} options.
 */
public final class JaasFile {
    /** The system property that names the file, as in ZooKeeper (and the JDK). */
    public static final String PROPERTY = "java.security.auth.login.config";
    /** ZooKeeper's login module for DIGEST-MD5 sections. */
    public static final String DIGEST_LOGIN_MODULE = "org.apache.zookeeper.server.auth.DigestLoginModule";
    private static final String USER_PREFIX = "user_";

    private final String location;
    private final Configuration configuration;

    private JaasFile(String location, Configuration configuration) {
        this.location = location;
        this.configuration = configuration;
    }

    /**
     * The file at {@code location} (a path; a leading '=' as the JDK allows is dropped).
     *
     * @throws IOException if it cannot be read or parsed, naming the file
     */
    public static JaasFile open(String location) throws IOException {
        String path = location.startsWith("=") ? location.substring(1) : location;
        try {
            return new JaasFile(location, Configuration.getInstance("JavaLoginConfig", new URIParameter(Path.of(path).toUri())));
        } catch (NoSuchAlgorithmException | SecurityException | IllegalArgumentException e) {
            throw new IOException("cannot read the JAAS configuration " + location + " (" + PROPERTY + "): " + e.getMessage(), e);
        }
    }

    /** Where the file is, as configured. */
    public String location() {
        return location;
    }

    /** The entries of section {@code name}, or null if the file has no such section (or an empty one). */
    public AppConfigurationEntry[] section(String name) {
        AppConfigurationEntry[] entries = configuration.getAppConfigurationEntry(name);
        return entries == null || entries.length == 0 ? null : entries;
    }

    /** Every {@code user_<name>="<password>"} option of {@code entries}: the users a DIGEST-MD5 server knows. */
    public static Map<String, String> users(AppConfigurationEntry[] entries) {
        Map<String, String> passwords = new HashMap<>();
        for (AppConfigurationEntry entry : entries) {
            entry.getOptions().forEach((key, value) -> {
                if (key.startsWith(USER_PREFIX)) {
                    passwords.put(key.substring(USER_PREFIX.length()), String.valueOf(value));
                }
            });
        }
        return passwords;
    }

    /** The option {@code key} of the first entry that has it, or null. */
    public static String option(AppConfigurationEntry[] entries, String key) {
        for (AppConfigurationEntry entry : entries) {
            Object value = entry.getOptions().get(key);
            if (value != null) {
                return String.valueOf(value);
            }
        }
        return null;
    }
}
