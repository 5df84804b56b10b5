package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.WatchEvent;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.WatcherEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Node applying txns that another server proposed, as a follower will: two Nodes ("here" and
 * "there") hand each other their committed txns through {@link ExchangeReplication}. Nobody here waits
 * for there's txns, so each is applied without a reply (the local client gets only the notifications
 * its watches call for), the two trees stay equal, and the local client's own requests afterwards get
 * exactly their replies, in order. Before waiters were keyed by (sessionId, cxid), each of these rows
 * stopped the Node with "nothing waits for txn".
 */
class NodeOtherServersTxnTest {
    private static final int TIMEOUT_MS = 10_000;

    /** Two Nodes that apply each other's txns; a test acts on one, then calls {@link #exchange}. */
    static final class Pair {
        final ExchangeReplication hereReplication = new ExchangeReplication();
        final ExchangeReplication thereReplication = new ExchangeReplication();
        final SimShell here;
        final SimShell there;

        Pair() {
            NodeConfig hereConfig = config(1);
            NodeConfig thereConfig = config(2);
            here = new SimShell(hereConfig, new Node(hereConfig, effects -> hereReplication));
            there = new SimShell(thereConfig, new Node(thereConfig, effects -> thereReplication));
        }

        private static NodeConfig config(long serverId) {
            NodeConfig c = NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withExtendedTypes(true).withContainerChecks(5000, 10_000);
            return new NodeConfig(serverId, c.tickMs(), c.minSessionTimeoutMs(), c.maxSessionTimeoutMs(), c.extendedTypesEnabled(),
                    c.containerCheckIntervalMs(), c.containerMaxPerMinute(), c.superDigest(), c.reconfigEnabled(), c.bootWallMs(),
                    c.durableLog(), c.snapCount(), c.watchesPerSessionMax());
        }

        /** Hands the txns each Node proposed since the last exchange to the other, which applies them. */
        void exchange() {
            List<TxnEntry> fromHere = List.copyOf(hereReplication.sent);
            List<TxnEntry> fromThere = List.copyOf(thereReplication.sent);
            assertThat(fromHere.isEmpty() || fromThere.isEmpty()).as("both Nodes proposed since the last exchange").isTrue();
            hereReplication.sent.clear();
            thereReplication.sent.clear();
            thereReplication.commitOthers(fromHere);
            there.applyCommitted();
            hereReplication.commitOthers(fromThere);
            here.applyCommitted();
        }

        /** A txn of a third server, committed on both Nodes. */
        void commitOnBoth(TxnEntry entry) {
            hereReplication.commitOthers(List.of(entry));
            here.applyCommitted();
            thereReplication.commitOthers(List.of(entry));
            there.applyCommitted();
        }

        FrameClient connect(SimShell shell) {
            FrameClient client = shell.connect(TIMEOUT_MS);
            exchange();
            return client;
        }
    }

    /**
     * {@code setup} prepares both trees and the local client's watches (ending with an exchange);
     * {@code elsewhere} makes txns on the other server; {@code events} are what the local client must be
     * notified of, and nothing else.
     */
    record Case(String name, BiConsumer<Pair, FrameClient> setup, BiConsumer<Pair, FrameClient> elsewhere,
            List<WatcherEvent> events) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Client writes on the other server.
                new Case("a create by a client of the other server fires the exists watch here",
                        (pair, local) -> local.exists("/x", true),
                        (pair, local) -> {
                            pair.connect(pair.there).create("/x", CreateMode.PERSISTENT);
                            pair.exchange();
                        },
                        List.of(event(WatchEvent.NODE_CREATED, "/x"))),
                new Case("a setData by a client of the other server fires the data watch here",
                        (pair, local) -> {
                            local.create("/x", CreateMode.PERSISTENT);
                            pair.exchange();
                            local.getData("/x", true);
                        },
                        (pair, local) -> {
                            pair.connect(pair.there).setData("/x", "v", 0);
                            pair.exchange();
                        },
                        List.of(event(WatchEvent.NODE_DATA_CHANGED, "/x"))),

                // Sessions of the other server: created and closed there, with session ids nobody here holds.
                new Case("a session opened and closed on the other server is applied here without a reply",
                        (pair, local) -> {},
                        (pair, local) -> {
                            pair.connect(pair.there).closeSession();
                            pair.exchange();
                        },
                        List.of()),
                new Case("the other server expires its session and its ephemeral goes here too",
                        (pair, local) -> {
                            pair.connect(pair.there).create("/e", CreateMode.EPHEMERAL);
                            pair.exchange();
                            local.exists("/e", true);
                        },
                        (pair, local) -> {
                            pair.there.ticks(25);
                            pair.exchange();
                        },
                        List.of(event(WatchEvent.NODE_DELETED, "/e"))),

                // The other server's own txns, under session 0.
                new Case("the other server reaps an empty container that a client here created",
                        (pair, local) -> {
                            local.createContainer("/c");
                            local.create("/c/k", CreateMode.PERSISTENT);
                            local.delete("/c/k");
                            pair.exchange();
                            local.exists("/c", true);
                        },
                        (pair, local) -> {
                            pair.there.ticks(5);
                            pair.exchange();
                        },
                        List.of(event(WatchEvent.NODE_DELETED, "/c"))),

                // A txn whose header names the local client's session and its next xid, but which this
                // server did not propose, is not that request's reply: the request gets its own.
                new Case("a txn with the (sessionId, cxid) of the local client's next request is not its reply",
                        (pair, local) -> {
                            local.create("/k", CreateMode.PERSISTENT);
                            local.getData("/k", true);
                            pair.exchange();
                        },
                        (pair, local) -> pair.commitOnBoth(new TxnEntry(pair.here.node.tree().lastProcessedZxid() + 1,
                                pair.here.wallMs, local.sessionId, 3, new Txn.SetData("/k", bytes("other"), 1))),
                        List.of(event(WatchEvent.NODE_DATA_CHANGED, "/k"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void txnsOfAnotherServerAreAppliedWithoutARepliesAndLocalRequestsStillGetExactlyTheirs(Case row) {
        Pair pair = new Pair();
        FrameClient local = pair.connect(pair.here);
        row.setup().accept(pair, local);
        local.takeNotifications();

        row.elsewhere().accept(pair, local);
        long elsewhereZxid = pair.here.node.tree().lastProcessedZxid();

        assertThat(pair.here.node.tree().digest()).as("trees after the other server's txns")
                .isEqualTo(pair.there.node.tree().digest());
        assertThat(pair.here.node.sessionTable().all()).isEqualTo(pair.there.node.sessionTable().all());
        // takeNotifications fails on any frame that is not a notification: nothing here is answered.
        assertThat(local.takeNotifications()).containsExactlyElementsOf(row.events());

        int first = local.send(OpCode.CREATE, new CreateRequest("/after", bytes("a"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        local.send(OpCode.SET_DATA, new SetDataRequest("/after", bytes("b"), 0)::write);
        local.send(OpCode.GET_DATA, new GetDataRequest("/after", false)::write);
        List<FrameClient.Reply> replies = local.drain();
        assertThat(replies).extracting(FrameClient.Reply::xid).containsExactly(first, first + 1, first + 2);
        assertThat(replies).extracting(FrameClient.Reply::err).containsOnly(ErrorCode.OK);
        assertThat(replies).extracting(FrameClient.Reply::zxid).allSatisfy(zxid -> assertThat(zxid).isGreaterThan(elsewhereZxid));
        pair.exchange();
        assertThat(pair.there.node.tree().digest()).isEqualTo(pair.here.node.tree().digest());
        pair.here.node.checkOutstanding();
        pair.there.node.checkOutstanding();
    }

    private static WatcherEvent event(int type, String path) {
        return new WatcherEvent(type, WatchEvent.SYNC_CONNECTED, path);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
