package dev.corral.wire;

import static dev.corral.wire.RecordCases.DATA;
import static dev.corral.wire.RecordCases.STAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Multi framing rules beyond byte equality: header types per result, terminators, invariants. */
class MultiTest {

    record ResultCase(OpResult result, int headerType, int headerErr) {
        @Override
        public String toString() {
            return result.getClass().getSimpleName() + " -> type " + headerType;
        }
    }

    static List<ResultCase> resultCases() {
        return List.of(
                // ZooKeeper's MultiResponse#serialize: the header type is the result's, err 0 unless an error.
                new ResultCase(new OpResult.CreateResult("/a"), OpCode.CREATE, 0),
                new ResultCase(new OpResult.Create2Result("/a", STAT), OpCode.CREATE2, 0),
                new ResultCase(new OpResult.DeleteResult(), OpCode.DELETE, 0),
                new ResultCase(new OpResult.SetDataResult(STAT), OpCode.SET_DATA, 0),
                new ResultCase(new OpResult.CheckResult(), OpCode.CHECK, 0),
                new ResultCase(new OpResult.GetChildrenResult(List.of("x")), OpCode.GET_CHILDREN, 0),
                new ResultCase(new OpResult.GetDataResult(DATA, STAT), OpCode.GET_DATA, 0),
                new ResultCase(new OpResult.ErrorResult(ErrorCode.NODEEXISTS), OpCode.ERROR, ErrorCode.NODEEXISTS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resultCases")
    void eachResultIsPrecededByAHeaderOfItsTypeAndErr(ResultCase row) {
        JuteOutput out = new JuteOutput();
        new MultiResponse(List.of(row.result())).write(out);
        JuteInput in = new JuteInput(out.toByteArray());

        assertThat(MultiHeader.read(in)).isEqualTo(new MultiHeader(row.headerType(), false, row.headerErr()));
        assertThat(OpResult.read(row.headerType(), in, 0)).isEqualTo(row.result());
        assertThat(MultiHeader.read(in)).isEqualTo(MultiHeader.END);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void anyHeaderWithDoneSetEndsTheList() {
        JuteOutput out = new JuteOutput();
        new MultiHeader(OpCode.DELETE, false, -1).write(out);
        new DeleteRequest("/a", 2).write(out);
        new MultiHeader(OpCode.CREATE, true, 0).write(out);
        JuteInput in = new JuteInput(out.toByteArray());

        assertThat(MultiRequest.read(in).ops())
                .containsExactly(new MultiRequest.Op(OpCode.DELETE, new DeleteRequest("/a", 2)));
        assertThat(in.remaining()).isZero();
    }

    @Test
    void errorCodeIsTakenFromTheBodyNotTheHeaderAsZooKeeperDoes() throws IOException {
        JuteOutput out = new JuteOutput();
        new MultiHeader(OpCode.ERROR, false, ErrorCode.OK).write(out);
        new ErrorResponse(ErrorCode.NONODE).write(out);
        MultiHeader.END.write(out);
        byte[] bytes = out.toByteArray();
        org.apache.zookeeper.MultiResponse theirs = new org.apache.zookeeper.MultiResponse();
        theirs.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(bytes)), "multi");

        MultiResponse ours = MultiResponse.read(new JuteInput(bytes));

        assertThat(ours.results()).containsExactly(new OpResult.ErrorResult(ErrorCode.NONODE));
        assertThat(((org.apache.zookeeper.OpResult.ErrorResult) theirs.getResultList().get(0)).getErr())
                .isEqualTo(ErrorCode.NONODE);
    }

    @Test
    void createOpKeepsTheTypeItWasSentWithWhateverItsFlags() {
        // ZooKeeper's client-side Op derives createContainer from flag 4; the wire keeps what was sent.
        MultiRequest sent = new MultiRequest(List.of(
                new MultiRequest.Op(OpCode.CREATE, new CreateRequest("/c", null, Acl.OPEN_ACL_UNSAFE, 4))));
        JuteOutput out = new JuteOutput();
        sent.write(out);

        assertThat(MultiRequest.read(new JuteInput(out.toByteArray())).ops().get(0).type()).isEqualTo(OpCode.CREATE);
    }

    @Test
    void opRejectsARecordThatDoesNotMatchItsType() {
        assertThatThrownBy(() -> new MultiRequest.Op(OpCode.CREATE_TTL, new CreateRequest("/a", null, null, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CreateTTLRequest");
        assertThatThrownBy(() -> new MultiRequest.Op(OpCode.EXISTS, new ExistsRequest("/a", false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not allowed in a multi");
    }

    @Test
    void multiRequestRejectsReadAndWriteOpsTogether() {
        List<MultiRequest.Op> mixed = List.of(
                new MultiRequest.Op(OpCode.CHECK, new CheckVersionRequest("/a", 1)),
                new MultiRequest.Op(OpCode.GET_DATA, new GetDataRequest("/a", false)));

        assertThatThrownBy(() -> new MultiRequest(mixed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixes read and write");
    }

    @Test
    void isReadTellsMultiReadFromMulti() {
        assertThat(RecordCases.multiWrites().isRead()).isFalse();
        assertThat(new MultiRequest(List.of(new MultiRequest.Op(OpCode.GET_CHILDREN,
                new GetChildrenRequest("/", false)))).isRead()).isTrue();
    }
}
