package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * maxClientCnxns: the per-IP limit on concurrent connections. Past it the server accepts the TCP
 * connection and closes it at once (NIOServerCnxnFactory.AcceptThread#doAccept).
 */
class ConnectionLimitTest {

    private static final int LIMIT = 5;
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(
            ServerSpec.defaults().withConfig("maxClientCnxns", Integer.toString(LIMIT)));

    @Test
    void theConnectionPastMaxClientCnxnsIsClosedWhileTheOthersWork() throws Exception {
        List<RawClient> admitted = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            // Retried within a bound: the server may still be releasing the readiness probe's connection.
            RawClient[] opened = new RawClient[1];
            await("connection " + (i + 1) + " of " + LIMIT).atMost(BOUND).pollInSameThread()
                    .until(() -> (opened[0] = tryConnect()) != null);
            admitted.add(opened[0]);
        }

        RawClient refused = tryConnect();

        assertThat(refused).as("connection %d from 127.0.0.1", LIMIT + 1).isNull();
        for (RawClient client : admitted) {
            assertThat(client.ping().err()).isZero();
        }
        admitted.get(0).closeSession();
        await("a slot freed by a closed connection").atMost(BOUND).pollInSameThread()
                .until(() -> tryConnect() != null);
    }

    /** A connection with a new session, or null when the server closed it. Tracked for closing. */
    private static RawClient tryConnect() {
        try {
            return server.clients().raw(4_000);
        } catch (IOException closedByServer) {
            return null;
        }
    }
}
