package dev.corral.compat;

import dev.corral.testkit.ServerProcess;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class a server process: one per class
 * ({@code @RegisterExtension static final CompatServer server = CompatServer.perClass()}) or one per
 * test method ({@link #perTest}, for tests whose server state matters). Clients opened through it
 * are closed after each test; the server after the class (or the test).
 */
final class CompatServer implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final ServerSpec spec;
    private final boolean perTest;
    private final AtomicInteger roots = new AtomicInteger();
    private ServerProcess process;
    private Clients clients;
    private String testName = "test";

    private CompatServer(ServerSpec spec, boolean perTest) {
        this.spec = spec;
        this.perTest = perTest;
    }

    static CompatServer perClass() {
        return perClass(ServerSpec.defaults());
    }

    static CompatServer perClass(ServerSpec spec) {
        return new CompatServer(spec, false);
    }

    static CompatServer perTest(ServerSpec spec) {
        return new CompatServer(spec, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        if (!perTest) {
            process = spec.start(context.getRequiredTestClass().getSimpleName());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException, InterruptedException {
        testName = context.getRequiredTestMethod().getName();
        if (perTest) {
            process = spec.start(context.getRequiredTestClass().getSimpleName() + "-" + testName);
        }
        if (process == null) {
            throw new IllegalStateException("a per-class CompatServer must be registered on a static field");
        }
        clients = new Clients(process.connectString(), process.port());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (clients != null) {
            clients.close();
            clients = null;
        }
        if (perTest && process != null) {
            process.close();
            process = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    ServerSpec spec() {
        return spec;
    }

    int port() {
        return process.port();
    }

    String connectString() {
        return process.connectString();
    }

    ServerProcess process() {
        return process;
    }

    Clients clients() {
        return clients;
    }

    ZooKeeper zk() throws IOException, InterruptedException {
        return clients.zk();
    }

    ZooKeeper zk(org.apache.zookeeper.Watcher defaultWatcher) throws IOException, InterruptedException {
        return clients.zk(defaultWatcher);
    }

    ZooKeeper superZk() throws IOException, InterruptedException {
        return clients.superZk();
    }

    CuratorFramework curator() throws InterruptedException {
        return clients.curator();
    }

    RawClient raw() throws IOException {
        return clients.raw(Clients.SESSION_TIMEOUT_MS);
    }

    /**
     * Creates a fresh persistent, world-accessible node named after the running test, so tests
     * sharing a per-class server never see each other's znodes.
     */
    String newRoot(ZooKeeper zk) throws KeeperException, InterruptedException {
        String path = "/" + testName.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT)
                + "-" + roots.incrementAndGet();
        return zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
}
