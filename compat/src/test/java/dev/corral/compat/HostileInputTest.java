package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ServerProbe;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that carry what no client library sends (null paths in every place a path goes, null vectors,
 * modes and watcher types outside their enums, lengths and counts that lie), each with the error code ZooKeeper
 * 3.9.5 answers; run with {@code -Dcompat.target=zookeeper} it pins that code. After each, the connection
 * still serves, and the four-letter words that list watches still answer: a watch on a null path once made
 * Corral's {@code wchp} throw on its event loop, leaving a process that answered nothing.
 */
class HostileInputTest {
    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final int OK = 0;
    private static final int MARSHALLINGERROR = -5;
    private static final int BADARGUMENTS = -8;
    private static final int INVALIDACL = -114;
    private static final int NOWATCHER = -121;

    /** Opcodes RawClient has no constant for (ZooDefs.OpCode). */
    private static final int EXISTS = 3;
    private static final int GET_ACL = 6;
    private static final int SET_ACL = 7;
    private static final int SYNC = 9;
    private static final int GET_CHILDREN2 = 12;
    private static final int CHECK = 13;
    private static final int GET_EPHEMERALS = 103;
    private static final int GET_ALL_CHILDREN_NUMBER = 104;
    private static final int SET_WATCHES2 = 105;
    private static final int ADD_WATCH = 106;
    private static final int MULTI_READ = 22;

    record Case(String name, int opcode, byte[] body, int err) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case of(String name, int opcode, UnaryOperator<Jute.Writer> body, int err) {
        return new Case(name, opcode, body.apply(new Jute.Writer()).toByteArray(), err);
    }

    private static List<String> withNull(String... paths) {
        List<String> list = new java.util.ArrayList<>(Arrays.asList(paths));
        list.add(null);
        return list;
    }

    /** A setWatches2 body: relativeZxid, then data, exist, child, persistent and recursive path lists (null: a null vector). */
    private static UnaryOperator<Jute.Writer> watches(List<List<String>> lists) {
        return w -> {
            w.writeLong(0);
            for (List<String> list : lists) {
                if (list == null) {
                    w.writeInt(-1);
                } else {
                    w.writeStrings(list);
                }
            }
            return w;
        };
    }

    /** One op of a multi: its MultiHeader (type, done=false, err=-1), then its record. */
    private static UnaryOperator<Jute.Writer> op(int type, UnaryOperator<Jute.Writer> record) {
        return w -> record.apply(w.writeInt(type).writeBoolean(false).writeInt(-1));
    }

    /** A multi or multiRead body: its ops, then the end header (type -1, done=true, err=-1). */
    @SafeVarargs
    private static UnaryOperator<Jute.Writer> multi(UnaryOperator<Jute.Writer>... ops) {
        return w -> {
            for (UnaryOperator<Jute.Writer> op : ops) {
                op.apply(w);
            }
            return w.writeInt(-1).writeBoolean(true).writeInt(-1);
        };
    }

    static List<Case> cases() {
        List<String> one = List.of("/");
        return List.of(
                of("setWatches null in dataWatches", RawClient.SET_WATCHES, watches(Arrays.asList(withNull("/"), one, one)),
                        MARSHALLINGERROR),
                of("setWatches null in existWatches", RawClient.SET_WATCHES, watches(Arrays.asList(one, withNull("/x"), one)),
                        MARSHALLINGERROR),
                of("setWatches null in childWatches", RawClient.SET_WATCHES, watches(Arrays.asList(one, one, withNull())),
                        MARSHALLINGERROR),
                of("setWatches null dataWatches vector", RawClient.SET_WATCHES, watches(Arrays.asList(null, one, one)),
                        MARSHALLINGERROR),
                of("setWatches2 null in dataWatches", SET_WATCHES2, watches(Arrays.asList(withNull(), one, one, one, one)),
                        MARSHALLINGERROR),
                of("setWatches2 null in existWatches", SET_WATCHES2, watches(Arrays.asList(one, withNull(), one, one, one)),
                        MARSHALLINGERROR),
                of("setWatches2 null in childWatches", SET_WATCHES2, watches(Arrays.asList(one, one, withNull(), one, one)),
                        MARSHALLINGERROR),
                of("setWatches2 null persistentRecursiveWatches vector", SET_WATCHES2,
                        watches(Arrays.asList(one, one, one, one, null)), MARSHALLINGERROR),
                of("setWatches2 null in persistentWatches", SET_WATCHES2,
                        watches(Arrays.asList(one, one, one, withNull("/"), one)), OK),
                of("setWatches2 null in persistentRecursiveWatches", SET_WATCHES2,
                        watches(Arrays.asList(one, one, one, one, withNull())), OK),

                of("exists null path with a watch", EXISTS, w -> w.writeString(null).writeBoolean(true), MARSHALLINGERROR),
                of("exists null path", EXISTS, w -> w.writeString(null).writeBoolean(false), MARSHALLINGERROR),
                of("getData null path with a watch", RawClient.GET_DATA, w -> w.writeString(null).writeBoolean(true),
                        MARSHALLINGERROR),
                of("getChildren null path with a watch", RawClient.GET_CHILDREN, w -> w.writeString(null).writeBoolean(true),
                        MARSHALLINGERROR),
                of("getChildren2 null path with a watch", GET_CHILDREN2, w -> w.writeString(null).writeBoolean(true),
                        MARSHALLINGERROR),
                of("getACL null path", GET_ACL, w -> w.writeString(null), MARSHALLINGERROR),
                of("getAllChildrenNumber null path", GET_ALL_CHILDREN_NUMBER, w -> w.writeString(null), MARSHALLINGERROR),
                of("multiRead with a null getData path", MULTI_READ, multi(
                        op(RawClient.GET_DATA, w -> w.writeString("/").writeBoolean(false)),
                        op(RawClient.GET_DATA, w -> w.writeString(null).writeBoolean(true))), MARSHALLINGERROR),
                of("multiRead with a null getChildren path", MULTI_READ,
                        multi(op(RawClient.GET_CHILDREN, w -> w.writeString(null).writeBoolean(true))), MARSHALLINGERROR),
                of("sync null path", SYNC, w -> w.writeString(null), OK),
                of("getEphemerals null prefix", GET_EPHEMERALS, w -> w.writeString(null), OK),

                of("addWatch null path persistent", ADD_WATCH, w -> w.writeString(null).writeInt(0), OK),
                of("addWatch null path recursive", ADD_WATCH, w -> w.writeString(null).writeInt(1), OK),
                of("addWatch mode 2", ADD_WATCH, w -> w.writeString("/").writeInt(2), MARSHALLINGERROR),
                of("addWatch mode -1", ADD_WATCH, w -> w.writeString("/").writeInt(-1), MARSHALLINGERROR),
                of("removeWatches type 0", RawClient.REMOVE_WATCHES, w -> w.writeString("/").writeInt(0), MARSHALLINGERROR),
                of("removeWatches type 6", RawClient.REMOVE_WATCHES, w -> w.writeString("/").writeInt(6), MARSHALLINGERROR),
                of("checkWatches type 99", RawClient.CHECK_WATCHES, w -> w.writeString("/").writeInt(99), MARSHALLINGERROR),
                of("removeWatches null path", RawClient.REMOVE_WATCHES, w -> w.writeString(null).writeInt(3), NOWATCHER),
                of("checkWatches null path", RawClient.CHECK_WATCHES, w -> w.writeString(null).writeInt(1), NOWATCHER),

                of("create null path", RawClient.CREATE, w -> w.writeString(null).writeBuffer(new byte[0]).writeOpenAcl().writeInt(0),
                        MARSHALLINGERROR),
                of("create2 null path and flags 99", RawClient.CREATE2,
                        w -> w.writeString(null).writeBuffer(new byte[0]).writeOpenAcl().writeInt(99), BADARGUMENTS),
                of("delete null path", RawClient.DELETE, w -> w.writeString(null).writeInt(-1), MARSHALLINGERROR),
                of("setData null path", RawClient.SET_DATA, w -> w.writeString(null).writeBuffer(null).writeInt(-1), BADARGUMENTS),
                of("setACL null path", SET_ACL, w -> w.writeString(null).writeOpenAcl().writeInt(-1), BADARGUMENTS),
                of("create null ACL vector", RawClient.CREATE,
                        w -> w.writeString("/hostile-n").writeBuffer(null).writeInt(-1).writeInt(0), INVALIDACL),
                of("multi with a null create path", RawClient.MULTI, multi(
                        op(CHECK, w -> w.writeString("/").writeInt(-1)),
                        op(RawClient.CREATE, w -> w.writeString(null).writeBuffer(new byte[0]).writeOpenAcl().writeInt(0))),
                        MARSHALLINGERROR),
                of("multi with a null delete path", RawClient.MULTI,
                        multi(op(RawClient.DELETE, w -> w.writeString(null).writeInt(-1))), MARSHALLINGERROR),

                // Lengths and counts that lie: jute's "Unreasonable length" or an EOF while decoding, which
                // ZooKeeper answers MARSHALLINGERROR for reads and writes alike (a write's error takes a zxid).
                of("getData path length -2", RawClient.GET_DATA, w -> w.writeInt(-2).writeBoolean(false), MARSHALLINGERROR),
                of("getData path length a million with 2 bytes", RawClient.GET_DATA,
                        w -> w.writeInt(1_000_000).writeBytes(new byte[] {'/', 'a'}), MARSHALLINGERROR),
                of("create data length -7", RawClient.CREATE, w -> w.writeString("/hostile-d").writeInt(-7), MARSHALLINGERROR),
                of("create ACL count 50 million", RawClient.CREATE,
                        w -> w.writeString("/hostile-a").writeBuffer(null).writeInt(50_000_000).writeOpenAcl(), MARSHALLINGERROR),
                of("setWatches dataWatches count 1000 with one path", RawClient.SET_WATCHES,
                        w -> w.writeLong(0).writeInt(1_000).writeString("/"), MARSHALLINGERROR),
                of("setData without its version", RawClient.SET_DATA, w -> w.writeString("/").writeBuffer(new byte[1]),
                        MARSHALLINGERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredWithZooKeepersErrorAndTheServerGoesOn(Case row) throws Exception {
        try (RawClient raw = server.raw()) {
            RawClient.Reply reply = raw.call(row.opcode(), row.body());

            assertThat(reply.err()).as("error code").isEqualTo(row.err());
            if (row.err() != OK && row.opcode() != MULTI_READ) {
                // (ZooKeeper sends the multiRead results it had gathered before the failing op after the
                // error header, as a MultiResponse; clients read no body after an error.)
                assertThat(reply.body()).as("no body after an error").isEmpty();
            }
            assertThat(raw.ping().err()).as("the connection still serves").isZero();
            for (String word : List.of("wchp", "wchc", "wchs")) {
                assertThat(ServerProbe.fourLetterWord(server.port(), word)).as(word).doesNotContain("Exception");
            }
            assertThat(ServerProbe.fourLetterWord(server.port(), "ruok")).isEqualTo("imok");
        }
    }

    /**
     * The official client sends its auth packets (and setWatches) right behind its ConnectRequest, and reads
     * the first frame back as the ConnectResponse. ZooKeeper reads nothing more from the connection until
     * the session is established, so the answers come after it; Corral once answered the auth packet while
     * the session's creation was still being written to its log.
     */
    @Test
    void framesSentRightBehindTheConnectRequestAreAnsweredAfterTheConnectResponse() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (RawClient raw = RawClient.open(server.port())) {
                raw.sendConnectRequest(0, 0, new byte[16], 4_000);
                raw.send(RawClient.AUTH_XID, RawClient.AUTH, new Jute.Writer().writeInt(0).writeString("digest")
                        .writeBuffer("u:p".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toByteArray());
                raw.send(1, EXISTS, new Jute.Writer().writeString("/").writeBoolean(false).toByteArray());

                RawClient.ConnectResponse response = raw.readConnectResponse();

                assertThat(response.valid()).as("the first frame is a ConnectResponse (attempt %d): %s", attempt, response).isTrue();
                assertThat(response.password()).hasSize(16);
                assertThat(raw.readReply().xid()).isEqualTo(RawClient.AUTH_XID);
                assertThat(raw.readReply().xid()).isEqualTo(1);
                raw.closeSession();
            }
        }
    }

    @Test
    void aWatchOnANullPathLeavesEveryWatchReportAnswering() throws Exception {
        try (RawClient raw = server.raw()) {
            raw.call(EXISTS, new Jute.Writer().writeString(null).writeBoolean(true).toByteArray());
            raw.call(ADD_WATCH, new Jute.Writer().writeString(null).writeInt(1).toByteArray());
            raw.call(RawClient.GET_DATA, new Jute.Writer().writeString("/").writeBoolean(true).toByteArray());

            assertThat(ServerProbe.fourLetterWord(server.port(), "wchp")).contains("/\n\t0x");
            assertThat(ServerProbe.fourLetterWord(server.port(), "wchc")).contains("\t/\n");
            assertThat(ServerProbe.fourLetterWord(server.port(), "wchs")).contains("Total watches:");
            try (RawClient fresh = server.raw()) {
                assertThat(fresh.ping().err()).as("a new session is served").isZero();
            }
        }
    }
}
