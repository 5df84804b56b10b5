package dev.corral.compat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * node-zookeeper-client (npm, the version pinned by src/test/node/package-lock.json, installed here with
 * {@code npm ci} into target/node): src/test/node/zk_suite.js goes through the library's API (session
 * handshake, chroot, create modes, mkdirp, errors, reads, watches, transactions, ACLs and auth,
 * removeRecursive, restart with watches re-sent, expiry, a cut-off reply, a reply of 1,000,000 bytes), each
 * case one dynamic test. This client has no sync, read-only, container, TTL or persistent-watch API.
 */
class NodeClientTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("node-zookeeper-client (Node.js)",
            "`compat/src/test/node/zk_suite.js`: session handshake, chroot, create modes, mkdirp, "
            + "errors, get/set/exists/children, watches, transactions, ACLs and auth, "
            + "removeRecursive, restart (watches re-sent), expiry, a reply cut off after its request, "
            + "a reply of 1,000,000 bytes read whole (no reply size limit in this client; data above its "
            + "fixed 1,048,576 bytes refused before sending) "
            + "(no sync, read-only, container or TTL API in this client)",
            () -> CompatResults.npmLockedVersion("node-zookeeper-client") + " (npm, locked in package-lock.json)");

    private static final Duration INSTALL_BOUND = Duration.ofSeconds(180);
    private static final Duration SUITE_BOUND = Duration.ofSeconds(120);

    @TestFactory
    Stream<DynamicTest> nodeSuite() throws Exception {
        Path directory = install(Path.of("src/test/node"), Path.of("target/node"));
        // This client has no sync, and its cases read what another of its clients wrote. On an ensemble that is
        // guaranteed only through one member (a member that has not yet applied a commit answers without it,
        // as ZooKeeper's does), so the suite, its chroot client and its proxies all use one member.
        int port = server.port();
        String connectString = server.ensemble() == null ? server.connectString() : "127.0.0.1:" + port;
        return ClientProgram.suite("node-zookeeper-client", "zk_suite.js",
                List.of("node", directory.resolve("zk_suite.js").toString(), connectString), directory, server,
                () -> port, SUITE_BOUND);
    }

    /** Copies the suite and its lock file to {@code target} and installs the locked packages there (npm ci). */
    private static Path install(Path source, Path target) throws Exception {
        Toolchain.nodeWithNpm();
        Path directory = Files.createDirectories(target.toAbsolutePath());
        for (String file : List.of("package.json", "package-lock.json", "zk_suite.js")) {
            Files.copy(source.resolve(file), directory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Toolchain.build(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
                .directory(directory.toFile()), INSTALL_BOUND);
        return directory;
    }
}
