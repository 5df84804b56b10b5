package dev.corral.compat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * go-zookeeper (github.com/samuel/go-zookeeper as Debian packages it, built with Debian's golang-go):
 * src/test/go/zk_suite.go, built here in GOPATH mode, goes through the library's API (session events,
 * create modes including its protected ephemeral sequential, errors, reads, watches, multi, sync, ACLs
 * and auth, its Lock recipe, restart with watches re-sent, expiry, four-letter words), each case one
 * dynamic test. This go-zookeeper has no chroot, read-only, container, TTL or persistent-watch API.
 */
class GoClientTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("go-zookeeper (Go)",
            "`compat/src/test/go/zk_suite.go`: session events, create modes (protected ephemeral "
            + "sequential included; no chroot, read-only, container or TTL API in this client), "
            + "errors, get/set/exists/children, watches, multi, sync, ACLs and auth, its Lock "
            + "recipe, restart (watches re-sent), expiry, ruok and cons, a reply cut off after its "
            + "request, a reply above its WithMaxBufferSize",
            () -> "Debian golang-github-samuel-go-zookeeper-dev " + CompatResults.debianVersion("golang-github-samuel-go-zookeeper-dev"));

    private static final Duration BUILD_BOUND = Duration.ofSeconds(180);
    private static final Duration SUITE_BOUND = Duration.ofSeconds(120);

    @TestFactory
    Stream<DynamicTest> goSuite() throws Exception {
        Path program = build(Path.of("src/test/go/zk_suite.go"), Path.of("target/go/zk_suite"));
        return ClientProgram.suite("go-zookeeper", "zk_suite.go", List.of(program.toString(), server.connectString()),
                program.getParent(), server, SUITE_BOUND);
    }

    /** Builds one Go file in GOPATH mode against Debian's go-zookeeper; fails with go's output if it cannot. */
    private static Path build(Path source, Path binary) throws Exception {
        String go = Toolchain.goWithZooKeeperLibrary();
        Path directory = Files.createDirectories(binary.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(go, "build", "-o", binary.toAbsolutePath().toString(),
                source.toAbsolutePath().toString());
        builder.environment().put("GOPATH", Toolchain.GO_PATH.toString());
        builder.environment().put("GO111MODULE", "off");
        builder.environment().put("GOCACHE", directory.resolve("cache").toString());
        builder.environment().put("GOFLAGS", "");
        Toolchain.build(builder, BUILD_BOUND);
        return binary.toAbsolutePath();
    }
}
