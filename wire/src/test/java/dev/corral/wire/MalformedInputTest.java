package dev.corral.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile or broken input fails with {@link MalformedRecordException}, naming what was wrong, and
 * without first allocating what a length or count field claims. (Cut-short encodings of every record
 * are covered in {@link RecordRoundTripTest}.)
 */
class MalformedInputTest {
    /**
     * Allocation allowed while rejecting one frame. The hostile rows claim 40 MB to 2 GiB, so a reader
     * that allocated before checking would blow through this (or run out of memory).
     */
    private static final long ALLOCATED_BYTES_MAX = 1 << 20;

    record Case(String name, byte[] bytes, Function<JuteInput, Object> reader, String messagePart) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // Negative lengths and counts other than -1 (null).
                new Case("buffer length -2", bytes(out -> out.writeInt(-2)), GetSASLRequest::read,
                        "negative buffer length -2"),
                new Case("string length -7", bytes(out -> out.writeInt(-7)), SyncRequest::read,
                        "negative string length -7"),
                new Case("children count -2", bytes(out -> out.writeInt(-2)), GetChildrenResponse::read,
                        "vector count -2"),
                new Case("acl count MIN_VALUE", bytes(out -> {
                    out.writeString("/a");
                    out.writeBuffer(null);
                    out.writeInt(Integer.MIN_VALUE);
                }), CreateRequest::read, "vector count -2147483648"),

                // Lengths and counts far beyond the bytes that follow.
                new Case("data length MAX_VALUE", bytes(out -> {
                    out.writeInt(Integer.MAX_VALUE);
                    out.writeRaw(new byte[100], 0, 100);
                }), GetDataResponse::read, "buffer of 2147483647 bytes"),
                new Case("passwd length 40 MB", bytes(out -> {
                    out.writeInt(0);
                    out.writeLong(0);
                    out.writeInt(30_000);
                    out.writeLong(0);
                    out.writeInt(40_000_000);
                }), ConnectRequest::read, "buffer of 40000000 bytes"),
                new Case("path length 100 MB", bytes(out -> out.writeInt(100_000_000)), SyncRequest::read,
                        "string of 100000000 bytes"),
                new Case("children count MAX_VALUE", bytes(out -> out.writeInt(Integer.MAX_VALUE)),
                        GetChildrenResponse::read, "vector count 2147483647"),
                new Case("children count 50 million", bytes(out -> {
                    out.writeInt(50_000_000);
                    out.writeString("a");
                }), GetChildrenResponse::read, "vector count 50000000 with 5 bytes left"),
                new Case("children count one above bytes left", bytes(out -> {
                    out.writeInt(5);
                    out.writeInt(0);
                }), GetChildrenResponse::read, "vector count 5 with 4 bytes left"),
                new Case("whoAmI count 10 million", bytes(out -> out.writeInt(10_000_000)), WhoAmIResponse::read,
                        "vector count 10000000"),
                new Case("last setWatches2 list count 20 million", bytes(out -> {
                    out.writeLong(1);
                    for (int list = 0; list < 4; list++) {
                        out.writeStrings(List.of("/w"));
                    }
                    out.writeInt(20_000_000);
                }), SetWatches2::read, "vector count 20000000"),

                // Multi requests ZooKeeper's MultiOperationRecord refuses.
                new Case("multi op type exists", multi(new MultiHeader(OpCode.EXISTS, false, -1),
                        out -> new ExistsRequest("/a", false).write(out)), MultiRequest::read, "invalid type of op 3"),
                new Case("multi op type error but not done", multi(new MultiHeader(OpCode.ERROR, false, -1),
                        out -> new ErrorResponse(-101).write(out)), MultiRequest::read, "invalid type of op -1"),
                new Case("multi op type multiRead", multi(new MultiHeader(OpCode.MULTI_READ, false, -1),
                        out -> {}), MultiRequest::read, "invalid type of op 22"),
                new Case("create flags 7", multi(new MultiHeader(OpCode.CREATE, false, -1),
                        out -> new CreateRequest("/a", null, Acl.OPEN_ACL_UNSAFE, 7).write(out)), MultiRequest::read,
                        "invalid create flags 7"),
                new Case("create2 flags -1", multi(new MultiHeader(OpCode.CREATE2, false, -1),
                        out -> new CreateRequest("/a", null, Acl.OPEN_ACL_UNSAFE, -1).write(out)), MultiRequest::read,
                        "invalid create flags -1"),
                new Case("read op after write op", bytes(out -> {
                    new MultiHeader(OpCode.DELETE, false, -1).write(out);
                    new DeleteRequest("/a", -1).write(out);
                    new MultiHeader(OpCode.GET_DATA, false, -1).write(out);
                    new GetDataRequest("/a", false).write(out);
                    MultiHeader.END.write(out);
                }), MultiRequest::read, "mixes read and write ops"),
                new Case("multi without terminator", bytes(out -> {
                    new MultiHeader(OpCode.DELETE, false, -1).write(out);
                    new DeleteRequest("/a", -1).write(out);
                }), MultiRequest::read, "int of 4 bytes"),

                // Txn records and quorum packets, which servers read from each other and from disk.
                new Case("multi txn count 30 million", bytes(out -> {
                    out.writeInt(30_000_000);
                    new MultiTxn.Op(OpCode.DELETE, new byte[6]).write(out);
                }), MultiTxn::read, "vector count 30000000 with 14 bytes left"),
                new Case("multi txn op data length MAX_VALUE", bytes(out -> {
                    out.writeInt(1);
                    out.writeInt(OpCode.DELETE);
                    out.writeInt(Integer.MAX_VALUE);
                }), MultiTxn::read, "buffer of 2147483647 bytes"),
                new Case("closeSession paths count -3", bytes(out -> out.writeInt(-3)), CloseSessionTxn::read,
                        "vector count -3"),
                new Case("quorum packet data length -5", bytes(out -> {
                    out.writeInt(QuorumPacketType.PROPOSAL);
                    out.writeLong(1);
                    out.writeInt(-5);
                }), QuorumPacket::read, "negative buffer length -5"),
                new Case("quorum packet data length 1 GiB", bytes(out -> {
                    out.writeInt(QuorumPacketType.PROPOSAL);
                    out.writeLong(1);
                    out.writeInt(1 << 30);
                }), QuorumPacket::read, "buffer of 1073741824 bytes"),
                new Case("quorum packet authinfo count MAX_VALUE", bytes(out -> {
                    out.writeInt(QuorumPacketType.REQUEST);
                    out.writeLong(1);
                    out.writeBuffer(null);
                    out.writeInt(Integer.MAX_VALUE);
                }), QuorumPacket::read, "vector count 2147483647"),

                // Multi replies ZooKeeper's MultiResponse refuses: only create2 stands for the create variants.
                new Case("result type createContainer", multi(new MultiHeader(OpCode.CREATE_CONTAINER, false, 0),
                        out -> new Create2Response("/c", Stat.EMPTY).write(out)), MultiResponse::read,
                        "invalid result type 19"),
                new Case("result type createTTL", multi(new MultiHeader(OpCode.CREATE_TTL, false, 0),
                        out -> new Create2Response("/t", Stat.EMPTY).write(out)), MultiResponse::read,
                        "invalid result type 21"),
                new Case("result type exists", multi(new MultiHeader(OpCode.EXISTS, false, 0),
                        out -> new ExistsResponse(Stat.EMPTY).write(out)), MultiResponse::read,
                        "invalid result type 3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readThrowsMalformedNamingTheProblemWithoutAllocatingTheClaimedSize(Case row) {
        byte[] bytes = row.bytes();
        // The first rejection links string concatenation and loads classes; the second is measured.
        Throwable thrown = catchThrowable(() -> row.reader().apply(new JuteInput(bytes)));
        assertThat(thrown).isInstanceOf(MalformedRecordException.class).hasMessageContaining(row.messagePart());

        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocated bytes per thread");
        long before = threads.getCurrentThreadAllocatedBytes();
        catchThrowable(() -> row.reader().apply(new JuteInput(bytes)));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated while rejecting").isLessThan(ALLOCATED_BYTES_MAX);
    }

    private static byte[] bytes(Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }

    /** One header and body, then the terminator. */
    private static byte[] multi(MultiHeader header, Consumer<JuteOutput> body) {
        return bytes(out -> {
            header.write(out);
            body.accept(out);
            MultiHeader.END.write(out);
        });
    }
}
