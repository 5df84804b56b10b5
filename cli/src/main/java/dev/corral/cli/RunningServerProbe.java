package dev.corral.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a ZooKeeper (or any server) still runs on what an import is about to read. ZooKeeper takes no
 * lock on its data directory, so two signs are checked, and either one refuses the import:
 * <ul>
 *   <li>the client port of the zoo.cfg accepts a connection: something serves there, and it is
 *       asked {@code ruok} to name it in the error (ZooKeeper answers {@code imok}, or that ruok is not
 *       in its {@code 4lw.commands.whitelist}: an answer either way);
 *   <li>{@code zookeeper_server.pid}, which {@code zkServer.sh start} writes into the dataDir, names a live
 *       process.
 * </ul>
 * A ZooKeeper still running would go on writing its log after the import read it, and those writes
 * would be lost; and Corral could not take over its port.
 */
final class RunningServerProbe {
    static final String PID_FILE = "zookeeper_server.pid";
    private static final int CONNECT_TIMEOUT_MS = 1000;

    private RunningServerProbe() {}

    /** What answers on {@code host:port}, or empty if nothing accepts a connection there. */
    static Optional<String> answerOn(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(CONNECT_TIMEOUT_MS);
            socket.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(120);
            String text = new String(reply, StandardCharsets.US_ASCII).trim();
            return Optional.of(text.isEmpty() ? "a server that accepts connections" : "'" + text + "'");
        } catch (java.net.SocketTimeoutException e) {
            return Optional.of("a server that accepts connections and did not answer ruok");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The pid in {@code dataDir/zookeeper_server.pid} if that process is alive. */
    static Optional<Long> livePid(Path dataDir) {
        Path file = dataDir.resolve(PID_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(handle -> pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
