package dev.corral.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy forwards, cuts, silences and delays connections to an echo server, each as documented. */
class TcpProxyTest {
    private static final int READ_TIMEOUT_MS = 2_000;

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerBehindProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread pump = new Thread(() -> echoAll(socket), "echo");
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
        }
        assertThat(proxy.accepted()).isEqualTo(1);
    }

    @Test
    void cutClosesOpenConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "a")).isEqualTo("a");
            proxy.cut();
            assertThat(open.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket duringCut = connect()) {
            assertThat(duringCut.getInputStream().read()).isEqualTo(-1);
        }
        proxy.restore();
        try (Socket afterRestore = connect()) {
            assertThat(roundTrip(afterRestore, "b")).isEqualTo("b");
        }
        assertThat(proxy.accepted()).isEqualTo(3);
    }

    @Test
    void silenceDropsEverythingOnOpenConnectionsButNotOnNewOnes() throws IOException {
        try (Socket silenced = connect()) {
            assertThat(roundTrip(silenced, "a")).isEqualTo("a");
            proxy.silence();
            silenced.getOutputStream().write('x');
            assertThatThrownBy(() -> silenced.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket fresh = connect()) {
                assertThat(roundTrip(fresh, "c")).isEqualTo("c");
            }
        }
    }

    @Test
    void delayHoldsEveryChunkInBothDirections() throws IOException {
        Duration delay = Duration.ofMillis(200);
        proxy.delay(delay);
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            assertThat(roundTrip(socket, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(delay.multipliedBy(2));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] answer = socket.getInputStream().readNBytes(text.length());
        return new String(answer, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void echoAll(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException closed) {
            // the proxy closed its side
        }
    }
}
