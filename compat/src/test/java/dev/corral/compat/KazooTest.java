package dev.corral.compat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kazoo, the Python client (Debian python3-kazoo 2.8), through its whole API as its users call it:
 * session and chroot, create modes, reads with watches, transactions, sync, ACLs with every scheme and
 * auth, reconnect after a server restart, session expiry, and its recipes (lock, read/write lock,
 * semaphore, election, barrier, double barrier, counter, party, queue, locking queue, lease,
 * partitioner, data/children watch, tree cache). The cases live in src/test/python/kazoo_suite.py;
 * each becomes one dynamic test here. kazoo 2.8 has no API for container or TTL nodes nor for
 * persistent watches (addWatch came in kazoo 2.9), so those are not part of this suite.
 */
class KazooTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("kazoo (Python)",
            "`compat/src/test/python/kazoo_suite.py`: session, read-only flag, chroot, create "
            + "modes (kazoo 2.8 has no container, TTL or persistent-watch API), "
            + "get/set/exists/children with watches, DataWatch, ChildrenWatch, TreeCache, "
            + "transactions, sync, ACLs (world, auth, digest, ip, super, empty ids), restart, "
            + "expiry, a reply cut off after its request; recipes Lock, ReadLock/WriteLock, "
            + "Semaphore, Election, Barrier, DoubleBarrier, Counter, Party, ShallowParty, Queue, "
            + "LockingQueue, NonBlockingLease, MultiNonBlockingLease, SetPartitioner",
            () -> Toolchain.kazooVersion(Toolchain.pythonWithKazoo()) + " (Debian python3-kazoo "
                    + CompatResults.debianVersion("python3-kazoo") + ")");

    private static final Duration BOUND = Duration.ofSeconds(120);

    @TestFactory
    Stream<DynamicTest> kazooSuite() throws Exception {
        String python = Toolchain.pythonWithKazoo();
        Path script = Path.of("src/test/python/kazoo_suite.py").toAbsolutePath();
        return ClientProgram.suite("kazoo " + Toolchain.kazooVersion(python), "kazoo_suite.py",
                List.of(python, "-u", script.toString(), server.connectString()), script.getParent(), server, BOUND);
    }
}
