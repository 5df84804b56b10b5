package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetDataRequest;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The count of outstanding requests (mntr's {@code outstanding_requests}, and the per-connection count
 * the shell throttles on) while writes wait for the log: it is the requests in sessions' queues plus the
 * frames held for new sessions, which is more than the open connections' counts once a connection
 * closes with proposed writes. Each row builds a state with the log held, checks the counts and
 * {@link Node#checkOutstanding}, then lets the log sync: everything is answered or dropped and the
 * count is zero.
 */
class NodeOutstandingTest {
    private static final int TIMEOUT_MS = 10_000;

    /**
     * {@code script} acts on a shell whose log is held and returns the connections whose counts
     * {@code perConnection} names, in order.
     */
    record Case(String name, Function<SimShell, List<FrameClient>> script, int outstanding, List<Integer> perConnection) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // One open connection: its count is the node's.
                new Case("two proposed writes and the read between them",
                        shell -> {
                            FrameClient client = held(shell);
                            writeReadWrite(client);
                            return List.of(client);
                        }, 3, List.of(3)),
                new Case("frames held while the new session is created",
                        shell -> {
                            shell.holdLog = true;
                            FrameClient client = shell.open();
                            client.sendRaw(frame(new ConnectRequest(0, 0, TIMEOUT_MS, 0, new byte[16], false, true)::write));
                            client.send(OpCode.EXISTS, new ExistsRequest("/", false)::write);
                            client.send(OpCode.EXISTS, new ExistsRequest("/", false)::write);
                            return List.of(client);
                        }, 2, List.of(2)),

                // A closed connection: its proposed writes stay queued in the session and counted by the
                // node until applied; its read is dropped; no open connection counts them.
                new Case("a connection closed with proposed writes",
                        shell -> {
                            FrameClient other = shell.connect(TIMEOUT_MS);
                            FrameClient client = held(shell);
                            writeReadWrite(client);
                            client.closeConnection();
                            return List.of(other);
                        }, 2, List.of(0)),
                new Case("a session moved to a new connection behind its proposed writes",
                        shell -> {
                            FrameClient client = held(shell);
                            writeReadWrite(client);
                            FrameClient moved = shell.open();
                            moved.handshake(new ConnectRequest(0, 0, TIMEOUT_MS, client.sessionId, client.password, false, true));
                            moved.send(OpCode.EXISTS, new ExistsRequest("/a", false)::write);
                            return List.of(moved);
                        }, 3, List.of(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void outstandingCountsQueuedAndHeldRequestsUntilTheyAreAnswered(Case row) {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withDurableLog(true));
        List<FrameClient> clients = row.script().apply(shell);

        assertThat(shell.node.outstandingRequests()).isEqualTo(row.outstanding());
        assertThat(clients).extracting(client -> shell.node.outstandingRequests(client.connectionId))
                .containsExactlyElementsOf(row.perConnection());
        shell.node.checkOutstanding();

        shell.holdLog = false;
        shell.syncLog();
        shell.node.checkOutstanding();
        assertThat(shell.node.outstandingRequests()).isZero();
    }

    /** A connected client, after which the log is held. */
    private static FrameClient held(SimShell shell) {
        FrameClient client = shell.connect(TIMEOUT_MS);
        shell.holdLog = true;
        return client;
    }

    private static void writeReadWrite(FrameClient client) {
        client.send(OpCode.CREATE, new CreateRequest("/a", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write);
        client.send(OpCode.EXISTS, new ExistsRequest("/a", false)::write);
        client.send(OpCode.SET_DATA, new SetDataRequest("/a", new byte[0], 0)::write);
    }

    private static byte[] frame(java.util.function.Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }
}
