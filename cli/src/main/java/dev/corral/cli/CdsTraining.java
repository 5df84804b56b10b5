package dev.corral.cli;

import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.EventType;
import dev.corral.client.KeeperState;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.wire.Acl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * The training run of Corral's class-data-sharing archive: a server started the way {@code corral server}
 * starts one (in a temporary data directory, on free loopback ports, admin server included), a session
 * that creates, reads, sets and deletes a znode with a watch, a four-letter word, a clean stop once a
 * snapshot is written, and a restart on that data with another session. The
 * build runs it in a JVM started with {@code -XX:ArchiveClassesAtExit} (cli/pom.xml), so the archive
 * holds the classes a server loads to start and to serve its first requests, already parsed and
 * verified; {@code bin/corral server} then starts the JVM with that archive. About 3,000 classes load
 * before a server serves, and their loading was most of an empty start (issue 16: an empty start no
 * slower than ZooKeeper's).
 *
 * <p>Hidden: it is a step of the build, not a command for users. A step that fails (a port taken between
 * its choice and its bind, say) is reported and the run still exits 0: the JVM then archives the classes
 * loaded until then, which is a smaller archive but a correct one, and a build never fails for it.
 */
@Command(name = "cds-training", hidden = true,
        description = "Start and exercise a throwaway server, for the class-data-sharing archive (a build step).")
final class CdsTraining implements Callable<Integer> {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final long CONNECTED_BOUND_MS = 20_000;

    @Override
    public Integer call() {
        try {
            train();
        } catch (Exception e) {
            System.err.println("corral cds-training: the training run failed (" + e
                    + "); the class archive holds only the classes loaded until then");
        }
        return 0;
    }

    private static void train() throws Exception {
        Path home = Files.createTempDirectory("corral-cds-training");
        try {
            Path config = home.resolve("zoo.cfg");
            int clientPort = freePort();
            Files.writeString(config, String.join("\n",
                    "tickTime=2000",
                    "dataDir=" + home.resolve("data"),
                    "clientPortAddress=127.0.0.1",
                    "clientPort=" + clientPort,
                    "admin.serverAddress=127.0.0.1",
                    "admin.serverPort=" + freePort(),
                    "4lw.commands.whitelist=ruok,srvr",
                    // A snapshot within the first few txns, so that the restart below recovers from one.
                    "snapCount=2",
                    ""));
            CorralServer server = new CorralServer(ServerConfig.load(config));
            server.start();
            try {
                exercise("127.0.0.1:" + clientPort);
                fourLetterWord(clientPort, "srvr");
                awaitSnapshot(home.resolve("data"));
            } finally {
                server.close();
            }
            // A restart on that data: the classes that read a snapshot and the log after it load before a
            // restarted server serves, and were read from the jars and verified on every restart (issue 16).
            CorralServer restarted = new CorralServer(ServerConfig.load(config));
            restarted.start();
            try {
                exercise("127.0.0.1:" + clientPort);
            } finally {
                restarted.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** One session's requests of every common kind, each answered before the next. */
    private static void exercise(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        try (CorralClient client = CorralClient.connect(connectString, SESSION_TIMEOUT_MS, event -> {
            if (event.type() != EventType.NONE) {
                changed.countDown();
            } else if (event.state() == KeeperState.SYNC_CONNECTED) {
                connected.countDown();
            }
        })) {
            if (!connected.await(CONNECTED_BOUND_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException("no session within " + CONNECTED_BOUND_MS + " ms");
            }
            String path = client.create("/cds", "v".getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT).path();
            client.getData(path, true);
            client.getChildren("/", false);
            client.setData(path, new byte[16], -1);
            client.exists(path, false);
            client.delete(path, -1);
            if (!changed.await(CONNECTED_BOUND_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException("no watch event within " + CONNECTED_BOUND_MS + " ms");
            }
        }
    }

    /** Waits, a bounded time, until the server has written a snapshot file under {@code dataDir}. */
    private static void awaitSnapshot(Path dataDir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECTED_BOUND_MS);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                if (files.map(path -> path.getFileName().toString()).anyMatch(name -> name.startsWith("snapshot.") && name.endsWith(".snap"))) {
                    return;
                }
            }
            Thread.sleep(20); // polling a file another thread writes at its own pace
        }
        throw new IOException("no snapshot in " + dataDir + " within " + CONNECTED_BOUND_MS + " ms");
    }

    private static void fourLetterWord(int port, String word) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            in.readAllBytes();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
