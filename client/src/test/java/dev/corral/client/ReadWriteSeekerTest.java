package dev.corral.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read-write seeker's probe and search, against loopback sockets that answer isro as a server would
 * (ZooKeeper 3.9's IsroCommand answers "rw" or "ro" and closes; a whitelist without isro answers a sentence).
 */
class ReadWriteSeekerTest {
    private static final long BOUND_S = 10;

    record Case(String name, String answer, boolean readWrite) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("read-write", "rw", true),
                new Case("read-write with a newline", "rw\n", true),
                // anything else is a no
                new Case("read-only", "ro", false),
                new Case("isro off the whitelist", "isro is not executed because it is not in the whitelist.\n", false),
                new Case("no answer", "", false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void onlyAnRwAnswerToIsroIsAReadWriteServer(Case c) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> asked = answerOnce(listener, c.answer());

            boolean readWrite = ReadWriteSeeker.servesReadWrite(address(listener));

            assertThat(readWrite).isEqualTo(c.readWrite());
            assertThat(asked.get(BOUND_S, TimeUnit.SECONDS)).isEqualTo("isro");
        }
    }

    @Test
    void aServerThatIsDownIsNotReadWrite() throws IOException {
        InetSocketAddress closed;
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            closed = address(listener);
        }
        assertThat(ReadWriteSeeker.servesReadWrite(closed)).isFalse();
    }

    @Test
    void theSearchStartsAfterTheCurrentServerAndEndsAtTheFirstReadWriteOne() throws Exception {
        try (ServerSocket current = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket readOnly = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket readWrite = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<InetSocketAddress> servers = new ArrayList<>(List.of(address(current), address(readOnly), address(readWrite)));
            CompletableFuture<String> askedReadOnly = answerOnce(readOnly, "ro");
            CompletableFuture<String> askedReadWrite = answerOnce(readWrite, "rw");
            CompletableFuture<Integer> found = new CompletableFuture<>();
            ReadWriteSeeker seeker = new ReadWriteSeeker(servers, 0, found::complete, "test-seeker");

            seeker.start();

            assertThat(found.get(BOUND_S, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(askedReadOnly.get(BOUND_S, TimeUnit.SECONDS)).isEqualTo("isro");
            assertThat(askedReadWrite.get(BOUND_S, TimeUnit.SECONDS)).isEqualTo("isro");
            seeker.stop();
        }
    }

    /** Accepts one connection on a daemon thread, reads the four-letter word, answers, closes. */
    private static CompletableFuture<String> answerOnce(ServerSocket listener, String answer) {
        CompletableFuture<String> asked = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Socket socket = listener.accept()) {
                socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_S));
                InputStream in = socket.getInputStream();
                asked.complete(new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                asked.completeExceptionally(e);
            }
        }, "isro-answer");
        thread.setDaemon(true);
        thread.start();
        return asked;
    }

    private static InetSocketAddress address(ServerSocket listener) {
        return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
    }
}
