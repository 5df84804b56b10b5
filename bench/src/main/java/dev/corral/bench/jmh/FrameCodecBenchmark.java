package dev.corral.bench.jmh;

import dev.corral.wire.Acl;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Frames;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.Stat;
import dev.corral.wire.WatcherEvent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding the requests a server receives most and encoding the replies it sends most, with the
 * {@code dev.corral.wire} records the server uses: a request frame's body (after the length prefix)
 * becomes RequestHeader plus request record; a reply becomes a complete length-prefixed frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {
    @Param({"100", "1024"})
    public int valueBytes;

    private byte[] getDataBody;
    private byte[] setDataBody;
    private byte[] createBody;
    private byte[] value;
    private Stat stat;
    private int xid;

    @Setup
    public void setUp() {
        value = new byte[valueBytes];
        getDataBody = body(Frames.frame(out -> {
            new RequestHeader(7, OpCode.GET_DATA).write(out);
            new GetDataRequest("/bench/k-123", false).write(out);
        }));
        setDataBody = body(Frames.frame(out -> {
            new RequestHeader(7, OpCode.SET_DATA).write(out);
            new SetDataRequest("/bench/k-123", value, -1).write(out);
        }));
        createBody = body(Frames.frame(out -> {
            new RequestHeader(7, OpCode.CREATE).write(out);
            new CreateRequest("/bench/n-0-123456", value, Acl.OPEN_ACL_UNSAFE, 0).write(out);
        }));
        stat = new Stat(0x100000001L, 0x100000abcL, 1_700_000_000_000L, 1_700_000_001_000L, 42, 0, 0, 0, valueBytes, 0,
                0x100000001L);
    }

    private static byte[] body(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, 4, frame.length);
    }

    @Benchmark
    public Object decodeGetData() {
        JuteInput in = new JuteInput(getDataBody);
        RequestHeader header = RequestHeader.read(in);
        return header.type() == OpCode.GET_DATA ? GetDataRequest.read(in) : header;
    }

    @Benchmark
    public Object decodeSetData() {
        JuteInput in = new JuteInput(setDataBody);
        RequestHeader header = RequestHeader.read(in);
        return header.type() == OpCode.SET_DATA ? SetDataRequest.read(in) : header;
    }

    @Benchmark
    public Object decodeCreate() {
        JuteInput in = new JuteInput(createBody);
        RequestHeader header = RequestHeader.read(in);
        return header.type() == OpCode.CREATE ? CreateRequest.read(in) : header;
    }

    @Benchmark
    public byte[] encodeGetDataReply() {
        return Frames.reply(new ReplyHeader(++xid, 0x100000abcL, ErrorCode.OK), out -> new GetDataResponse(value, stat).write(out));
    }

    @Benchmark
    public byte[] encodeSetDataReply() {
        return Frames.reply(new ReplyHeader(++xid, 0x100000abcL, ErrorCode.OK), stat::write);
    }

    @Benchmark
    public byte[] encodeNotification() {
        return Frames.notification(0x100000abcL, new WatcherEvent(3, 3, "/bench/k-123"));
    }
}
