package dev.corral.wire;

import static dev.corral.wire.RecordCases.STAT;
import static dev.corral.wire.RecordCases.ZXID;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Frames are a 4-byte big-endian length of what follows, then the payload. */
class FramesTest {

    @Test
    void replyFrameIsLengthThenHeaderThenBody() {
        byte[] frame = Frames.reply(new ReplyHeader(5, ZXID, ErrorCode.OK), new SetDataResponse(STAT)::write);
        JuteInput in = new JuteInput(frame);

        assertThat(in.readInt()).isEqualTo(frame.length - 4);
        assertThat(ReplyHeader.read(in)).isEqualTo(new ReplyHeader(5, ZXID, ErrorCode.OK));
        assertThat(SetDataResponse.read(in)).isEqualTo(new SetDataResponse(STAT));
        assertThat(in.remaining()).isZero();
    }

    @Test
    void replyWithoutBodyIsTheHeaderAlone() {
        byte[] frame = Frames.reply(new ReplyHeader(5, ZXID, ErrorCode.NONODE), null);

        assertThat(frame).hasSize(4 + 16);
        assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(16);
    }

    @Test
    void notificationIsWhatZooKeeperSendsForAWatchEvent() {
        byte[] frame = Frames.notification(ZXID, new WatcherEvent(3, 3, "/a"));

        byte[] header = RecordCases.officialBytes(new org.apache.zookeeper.proto.ReplyHeader(-1, ZXID, 0));
        byte[] event = RecordCases.officialBytes(new org.apache.zookeeper.proto.WatcherEvent(3, 3, "/a"));
        ByteBuffer expected = ByteBuffer.allocate(4 + header.length + event.length);
        expected.putInt(header.length + event.length).put(header).put(event);
        assertThat(frame).isEqualTo(expected.array());
    }

    @Test
    void frameOfAConnectResponseHasNoHeader() {
        ConnectResponse response = new ConnectResponse(0, 30_000, 1L, new byte[16], false);

        byte[] frame = Frames.frame(out -> response.write(out, true));
        JuteInput in = new JuteInput(frame);

        assertThat(in.readInt()).isEqualTo(4 + 4 + 8 + 4 + 16 + 1);
        assertThat(ConnectResponse.read(in)).isEqualTo(response);
    }
}
