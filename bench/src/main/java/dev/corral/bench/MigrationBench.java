package dev.corral.bench;

import dev.corral.testkit.Launch;
import dev.corral.testkit.Ports;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.ServerRuntime;
import dev.corral.testkit.Target;
import dev.corral.testkit.ZooCfg;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * Import speed against ZooKeeper's own restart, on one ZooKeeper data directory: ZooKeeper 3.9.5's classes
 * write a snapshot of N znodes (100 children under each of N/100 parents, 32 bytes of data each); then,
 * each in a fresh JVM, ZooKeeper 3.9.5 starts on it (time until a client session opens, as the testkit
 * measures every start), {@code corral import-zookeeper} converts it (wall time of the process, and the
 * time it prints), and Corral starts on the result.
 *
 * <p>Run: {@code mvn -B -o -pl bench -am package -DskipTests}, then
 * {@code java -cp $(cat bench/target/bench.classpath):bench/target/classes -Dbench.corral.classpath.file=bench/target/corral.classpath
 * -Dbench.zookeeper.classpath.file=bench/target/zookeeper.classpath dev.corral.bench.MigrationBench 1000000 /tmp/migration-bench}.
 */
public final class MigrationBench {
    private static final Duration BOUND = Duration.ofMinutes(5);

    private MigrationBench() {}

    public static void main(String[] args) throws Exception {
        int znodes = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]);
        Files.createDirectories(home);
        Path data = home.resolve("data");
        ServerRuntime runtime = new ServerRuntime(ServerRuntime.currentJava(),
                ServerRuntime.classpathFromFile("bench.corral.classpath.file"), ServerRuntime.classpathFromFile("bench.zookeeper.classpath.file"));
        long started = System.nanoTime();
        writeSnapshot(data, znodes);
        System.out.printf("wrote a ZooKeeper snapshot of %d znodes (%d bytes) in %d ms%n", znodes, size(data.resolve("version-2")),
                ms(started));

        int port = Ports.freeLoopbackPort();
        ZooCfg config = ZooCfg.standalone(2000, data, port);
        List<String> jvm = List.of("-Xmx4g");
        try (ServerProcess zooKeeper = start(Target.ZOOKEEPER, runtime, home.resolve("zk-home"), config, jvm)) {
            System.out.printf("ZooKeeper 3.9.5 restart: serving after %d ms%n", zooKeeper.startMillis());
            zooKeeper.kill();
        }
        Path zooCfg = config.write(home.resolve("zoo.cfg"));
        List<String> command = new ArrayList<>(List.of(runtime.java().toString(), "-Xmx4g", "-cp", runtime.corralClasspath(),
                "dev.corral.cli.Corral", "import-zookeeper", "--from", data.toString(), "--config", zooCfg.toString()));
        long importStart = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("import failed: " + output);
        }
        System.out.printf("corral import-zookeeper: process %d ms%n%s", ms(importStart), output);
        try (ServerProcess corral = start(Target.CORRAL, runtime, home.resolve("corral-home"), config, jvm)) {
            System.out.printf("Corral start on the imported data: serving after %d ms%n", corral.startMillis());
            corral.stop();
        }
    }

    /** A snapshot written by ZooKeeper's own FileTxnSnapLog, as a server with this tree would write it. */
    private static void writeSnapshot(Path data, int znodes) throws Exception {
        DataTree tree = new DataTree();
        long zxid = 0;
        byte[] value = new byte[32];
        int parents = Math.max(1, znodes / 100);
        for (int p = 0; p < parents; p++) {
            String parent = "/p" + p;
            tree.createNode(parent, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, ++zxid, System.currentTimeMillis());
            for (int c = 0; c < 99 && zxid < znodes; c++) {
                tree.createNode(parent + "/c" + c, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, ++zxid, System.currentTimeMillis());
            }
        }
        tree.lastProcessedZxid = zxid;
        FileTxnSnapLog files = new FileTxnSnapLog(data.toFile(), data.toFile());
        Map<Long, Integer> sessions = new ConcurrentHashMap<>();
        files.save(tree, (ConcurrentHashMap<Long, Integer>) sessions, true);
        files.close();
    }

    private static ServerProcess start(Target target, ServerRuntime runtime, Path home, ZooCfg config, List<String> jvm) throws Exception {
        ServerProcess server = ServerProcess.launch(Launch.of(target, runtime, home, config, target.id() + "-migration-bench")
                .withJvmOptions(jvm).withStartupBound(BOUND));
        server.awaitServing();
        return server;
    }

    private static long size(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
