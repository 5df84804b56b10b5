package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.client.CorralClient;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * An in-process server for one test class, registered with {@code @RegisterExtension static final
 * ShellFixture fixture = new ShellFixture();}, and the shell run as {@code bin/corral shell -server ...}
 * would run it, with stdout and stderr captured. The server has a short tick (sessions of 400 ms to 4 s)
 * so that session-timeout behaviour shows quickly, TTL znodes enabled, and a super identity with which
 * {@link #wipe} clears whatever a test left, whatever its ACLs.
 */
final class ShellFixture implements BeforeAllCallback, AfterAllCallback {
    static final int TICK_MS = 200;
    static final int SESSION_TIMEOUT_MS = 4_000;
    private static final String SUPER = "super:secret";
    private static final String SUPER_DIGEST_PROPERTY = "zookeeper.DigestAuthenticationProvider.superDigest";

    /** What one run of {@code corral shell} printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Path dir;
    private CorralServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("corral-shell-test");
        Path config = dir.resolve("zoo.cfg");
        Files.writeString(config, "tickTime=" + TICK_MS + "\ndataDir=" + dir + "\nextendedTypesEnabled=true\n");
        // The super digest is a system property in ZooKeeper too, read when the config is.
        ServerConfig serverConfig;
        System.setProperty(SUPER_DIGEST_PROPERTY, digest(SUPER));
        try {
            serverConfig = ServerConfig.load(config).listeningOn(0, dir);
        } finally {
            System.clearProperty(SUPER_DIGEST_PROPERTY);
        }
        server = new CorralServer(serverConfig, e -> { });
        server.start();
    }

    String connectString() {
        return "127.0.0.1:" + server.port();
    }

    /** Runs {@code corral shell -server <this server> words...}. */
    Run shell(String... words) {
        List<String> args = new ArrayList<>(List.of("-server", connectString(), "-timeout", String.valueOf(SESSION_TIMEOUT_MS)));
        args.addAll(List.of(words));
        return run(args.toArray(String[]::new));
    }

    /** Runs {@code corral shell args...} as given. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new ShellCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, unix(out.toString()), unix(err.toString()));
    }

    /** Runs a command that must succeed, for a test's setup. */
    void ok(String... words) {
        Run run = shell(words);
        assertThat(run.exit()).as("setup: %s\n%s", String.join(" ", words), run).isZero();
    }

    CorralClient client() throws Exception {
        return CorralClient.connect(connectString(), SESSION_TIMEOUT_MS, event -> { });
    }

    /** Deletes every znode but / and /zookeeper, so that each case starts from an empty tree. */
    void wipe() throws Exception {
        try (CorralClient zk = client()) {
            zk.addAuth("digest", SUPER.getBytes(StandardCharsets.UTF_8));
            for (String child : zk.getChildren("/", false).children()) {
                if (!child.equals("zookeeper")) {
                    List<String> tree = Subtree.listBreadthFirst(zk, "/" + child);
                    for (int i = tree.size() - 1; i >= 0; i--) {
                        zk.delete(tree.get(i), -1);
                    }
                }
            }
        }
    }

    /** A Shell in this process, connected, printing into the given writers. */
    Shell connectedShell(StringWriter out, StringWriter err) throws ShellException {
        Shell shell = new Shell(new PrintWriter(out, true), new PrintWriter(err, true), SESSION_TIMEOUT_MS);
        shell.connect(connectString());
        return shell;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** ZooKeeper's DigestAuthenticationProvider#generateDigest: "user:" + base64(sha1("user:password")). */
    static String digest(String idPassword) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA1").digest(idPassword.getBytes(StandardCharsets.UTF_8));
            return idPassword.substring(0, idPassword.indexOf(':')) + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unix(String text) {
        return text.replace(System.lineSeparator(), "\n");
    }
}
