package dev.corral.sim.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZkModel answers as Apache ZooKeeper 3.9.5 does: random sequences of creates (plain, sequential, nested),
 * setDatas and deletes with and without versions, getDatas and multis run one after another against an
 * in-process ZooKeeper server and the model, answer for answer. Each sequence works under a parent of its
 * own, which the model starts with.
 */
class ZkModelMatchesZooKeeperTest {
    private static final int SEQUENCES = 30;
    private static final int OPS_PER_SEQUENCE = 60;

    @TempDir
    static Path dataDir;

    private static ServerCnxnFactory factory;
    private static ZooKeeperServer server;
    private static ZooKeeper client;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new ZooKeeperServer(dataDir.toFile(), dataDir.toFile(), 2000);
        factory = ServerCnxnFactory.createFactory(new java.net.InetSocketAddress("127.0.0.1", 0), 10);
        factory.startup(server);
        client = new ZooKeeper("127.0.0.1:" + factory.getLocalPort(), 30_000, event -> {});
        await().atMost(Duration.ofSeconds(30)).until(() -> client.getState().isConnected());
    }

    @AfterAll
    static void stopZooKeeper() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (factory != null) {
            factory.shutdown();
        }
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    void modelAnswersAsZooKeeperOnRandomSequences() throws Exception {
        int compared = 0;
        List<Class<?>> kinds = new ArrayList<>();
        for (int seed = 0; seed < SEQUENCES; seed++) {
            String root = "/seq" + seed;
            client.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            ZkModel model = ZkModel.withEmptyNodes(ZkModel.Reads.LINEARIZABLE, root);
            ZkState state = model.init();
            Random random = new Random(seed);
            for (int i = 0; i < OPS_PER_SEQUENCE; i++) {
                ZkOp op = randomOp(random, root, i);
                ZkModel.Applied expected = model.apply(state, op);

                ZkResult actual = run(op);

                assertThat(actual).as("seed %d op %d: %s", seed, i, op).isEqualTo(expected.result());
                state = expected.state();
                compared++;
                kinds.add(actual.getClass());
            }
        }
        assertThat(compared).isEqualTo(SEQUENCES * OPS_PER_SEQUENCE);
        // Every kind of answer came up, errors included, so no branch of the model went unchecked.
        assertThat(kinds).contains(ZkResult.Created.class, ZkResult.DataSet.class, ZkResult.Deleted.class,
                ZkResult.Data.class, ZkResult.Error.class, ZkResult.MultiDone.class, ZkResult.MultiFailed.class);
    }

    private static ZkOp randomOp(Random random, String root, int i) {
        String[] paths = {root + "/a", root + "/b", root + "/a/c", root + "/a/c/d", root + "/a-b"};
        String path = paths[random.nextInt(paths.length)];
        int version = random.nextInt(4) - 1;
        String data = "v" + i;
        return switch (random.nextInt(9)) {
            case 0, 1 -> new ZkOp.Create(path, data, false);
            case 2 -> new ZkOp.Create(random.nextBoolean() ? root + "/n-" : path + "/s-", data, true);
            case 3, 4 -> new ZkOp.SetData(path, data, version);
            case 5 -> new ZkOp.Delete(path, version);
            case 6, 7 -> new ZkOp.GetData(path);
            default -> new ZkOp.Multi(List.of(
                    new ZkOp.Check(paths[random.nextInt(paths.length)], random.nextInt(3) - 1),
                    new ZkOp.Create(paths[random.nextInt(paths.length)], data, random.nextBoolean()),
                    new ZkOp.SetData(path, data + "m", -1)));
        };
    }

    /** Runs op on ZooKeeper and keeps from the answer what ZkResult holds. */
    private static ZkResult run(ZkOp op) throws InterruptedException {
        try {
            if (op instanceof ZkOp.Create create) {
                return new ZkResult.Created(client.create(create.path(), bytes(create.data()), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        create.sequential() ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT));
            } else if (op instanceof ZkOp.SetData set) {
                return new ZkResult.DataSet(client.setData(set.path(), bytes(set.data()), set.expectedVersion()).getVersion());
            } else if (op instanceof ZkOp.Delete delete) {
                client.delete(delete.path(), delete.expectedVersion());
                return new ZkResult.Deleted();
            } else if (op instanceof ZkOp.GetData get) {
                Stat stat = new Stat();
                byte[] data = client.getData(get.path(), false, stat);
                return new ZkResult.Data(ZkOp.data(data), stat.getVersion());
            }
            List<ZkResult> results = new ArrayList<>();
            for (OpResult result : client.multi(((ZkOp.Multi) op).ops().stream().map(ZkModelMatchesZooKeeperTest::op).toList())) {
                results.add(result instanceof OpResult.CreateResult created ? new ZkResult.Created(created.getPath())
                        : result instanceof OpResult.SetDataResult set ? new ZkResult.DataSet(set.getStat().getVersion())
                        : result instanceof OpResult.DeleteResult ? new ZkResult.Deleted() : new ZkResult.Checked());
            }
            return new ZkResult.MultiDone(results);
        } catch (KeeperException e) {
            if (e.getResults() == null) {
                return new ZkResult.Error(code(e.code()));
            }
            // A failed multi: the operations before the failure answer OK, those after RUNTIMEINCONSISTENCY.
            List<OpResult> results = e.getResults();
            for (int i = 0; i < results.size(); i++) {
                int err = ((OpResult.ErrorResult) results.get(i)).getErr();
                if (err != KeeperException.Code.OK.intValue() && err != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                    return new ZkResult.MultiFailed(i, code(KeeperException.Code.get(err)));
                }
            }
            throw new AssertionError("a failed multi without a failed operation: " + results, e);
        }
    }

    private static Op op(ZkOp op) {
        if (op instanceof ZkOp.Create create) {
            return Op.create(create.path(), bytes(create.data()), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    create.sequential() ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT);
        } else if (op instanceof ZkOp.SetData set) {
            return Op.setData(set.path(), bytes(set.data()), set.expectedVersion());
        } else if (op instanceof ZkOp.Delete delete) {
            return Op.delete(delete.path(), delete.expectedVersion());
        }
        ZkOp.Check check = (ZkOp.Check) op;
        return Op.check(check.path(), check.expectedVersion());
    }

    private static ZkResult.Code code(KeeperException.Code code) {
        return ZkResult.Code.valueOf(code.name());
    }

    private static byte[] bytes(String data) {
        return data.getBytes(StandardCharsets.ISO_8859_1);
    }
}
