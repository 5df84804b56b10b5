package dev.corral.compat;

import dev.corral.testkit.Ensemble;
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
 *
 * <p>When the run asks for ensembles ({@link CompatRun#ensembles}), the "server" is a three-server ensemble
 * of the same target and spec, and {@link #clients}, {@link #raw} and {@link #port} spread clients over its
 * members in turn ({@link Clients}); {@link #connectString} names every member, so that clients of other
 * languages choose one as they do in production. A test class meant for one process only (it reads one
 * server's counters, or restarts it) is simply not run in the ensemble execution (compat/pom.xml).
 */
final class CompatServer implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final ServerSpec spec;
    private final boolean perTest;
    private final AtomicInteger roots = new AtomicInteger();
    private ServerProcess process;
    private Ensemble ensemble;
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
            start(context.getRequiredTestClass().getSimpleName());
        }
    }

    private void start(String name) throws IOException, InterruptedException {
        if (CompatRun.ensembles()) {
            ensemble = spec.startEnsemble(name);
        } else {
            process = spec.start(name);
        }
    }

    private boolean started() {
        return process != null || ensemble != null;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException, InterruptedException {
        testName = context.getRequiredTestMethod().getName();
        if (perTest) {
            start(context.getRequiredTestClass().getSimpleName() + "-" + testName);
        }
        if (!started()) {
            throw new IllegalStateException("a per-class CompatServer must be registered on a static field");
        }
        clients = ensemble == null ? new Clients(process.connectString(), process.port())
                : new Clients(ensemble.connectString(),
                        ensemble.members().stream().map(Ensemble.Member::clientPort).toList());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (clients != null) {
            clients.close();
            clients = null;
        }
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
        if (ensemble != null) {
            ensemble.close();
            ensemble = null;
        }
    }

    ServerSpec spec() {
        return spec;
    }

    /** The client port of the server (of the ensemble member whose turn it is). */
    int port() {
        return ensemble == null ? process.port() : clients.nextPort();
    }

    /** The server's connect string, or one naming every member of the ensemble. */
    String connectString() {
        return ensemble == null ? process.connectString() : ensemble.connectString();
    }

    /** The ensemble of an ensemble run ({@link CompatRun#ensembles}); null for one server process. */
    Ensemble ensemble() {
        return ensemble;
    }

    /** The one server process; refused for an ensemble, which has several. */
    ServerProcess process() {
        if (ensemble != null) {
            throw new IllegalStateException("this run's servers are ensembles: there is no single process");
        }
        return process;
    }

    /**
     * Kills the server with SIGKILL, as a crash, and starts it again on the same ports and data; for an
     * ensemble, every member (all down before any starts), waiting until each serves again.
     */
    void crashAndRestart() throws IOException, InterruptedException {
        if (ensemble == null) {
            process.kill();
            process.restart();
        } else {
            ensemble.killAll();
            ensemble.restartAll();
        }
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
