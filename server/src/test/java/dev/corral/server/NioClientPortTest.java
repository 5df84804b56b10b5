package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NIO client port on its own, with real sockets on loopback: frames split and joined however the
 * bytes arrive, a four-letter word, a length out of bounds, ordered writes from another thread and a
 * close after them, half-closure, reads paused and resumed, the writability marks, the listen backlog
 * before it accepts, timers, and a close of the port.
 */
class NioClientPortTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int MAX_FRAME = 1024 * 1024;
    private static final long LOW = 32 * 1024;
    private static final long HIGH = 64 * 1024;

    /** What a connection's listener saw, in order. */
    record Event(String kind, byte[] frame, String word) {
        @Override
        public String toString() {
            return kind + (frame != null ? "(" + frame.length + " bytes)" : "") + (word != null ? "(" + word + ")" : "");
        }
    }

    static class Recorder implements NioClientPort.Listener {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        volatile NioClientPort.Link link;

        @Override
        public void onActive(NioClientPort.Link link) {
            this.link = link;
            events.add(new Event("active", null, null));
        }

        @Override
        public void onFrame(byte[] frame) {
            events.add(new Event("frame", frame, null));
        }

        @Override
        public void onFourLetterWord(String word) {
            events.add(new Event("word", null, word));
        }

        @Override
        public void onInputEnded() {
            events.add(new Event("inputEnded", null, null));
        }

        @Override
        public void onWritable(boolean writable) {
            events.add(new Event(writable ? "writable" : "unwritable", null, null));
        }

        @Override
        public void onInactive() {
            events.add(new Event("inactive", null, null));
        }

        Event next() throws InterruptedException {
            Event event = events.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("an event within %s", BOUND).isNotNull();
            return event;
        }

        Event next(String kind) throws InterruptedException {
            Event event = next();
            assertThat(event.kind()).as("event %s", event).isEqualTo(kind);
            return event;
        }
    }

    private final BlockingQueue<Recorder> recorders = new LinkedBlockingQueue<>();
    private final AtomicLong acceptFailures = new AtomicLong();
    private final List<Socket> sockets = new ArrayList<>();
    private NioClientPort port;

    private NioClientPort open(boolean accepting) throws IOException {
        port = new NioClientPort(new InetSocketAddress("127.0.0.1", 0), "nio-test", 2, MAX_FRAME, LOW, HIGH, acceptFailures, () -> {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            return recorder;
        });
        port.accepting(accepting);
        return port;
    }

    private Socket connect() throws IOException {
        return connect(0);
    }

    /** A client socket; {@code receiveBufferBytes} above 0 sets its receive buffer before it connects. */
    private Socket connect(int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(port.localAddress(), (int) BOUND.toMillis());
        socket.setSoTimeout((int) BOUND.toMillis());
        sockets.add(socket);
        return socket;
    }

    private Recorder accepted() throws InterruptedException {
        Recorder recorder = recorders.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(recorder).as("a connection accepted").isNotNull();
        recorder.next("active");
        return recorder;
    }

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (port != null) {
            port.close();
        }
    }

    private static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] body(int length, int seed) {
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) (seed + i);
        }
        return body;
    }

    @Test
    void framesArriveWholeAndInOrderHoweverTheBytesAreSplit() throws Exception {
        open(true);
        Socket socket = connect();
        Recorder recorder = accepted();
        // Three frames, one larger than the first read buffer and one empty, sent a few bytes at a time.
        List<byte[]> bodies = List.of(body(10, 1), body(NioClientPort.READ_BUFFER_BYTES * 5 + 3, 2), body(0, 3), body(MAX_FRAME, 4));
        ByteBuffer all = ByteBuffer.allocate(bodies.stream().mapToInt(b -> 4 + b.length).sum());
        bodies.forEach(b -> all.put(framed(b)));
        OutputStream output = socket.getOutputStream();
        byte[] bytes = all.array();
        for (int offset = 0, piece = 1; offset < bytes.length; offset += piece, piece = piece * 3 % 4097 + 1) {
            output.write(bytes, offset, Math.min(piece, bytes.length - offset));
            output.flush();
        }
        for (byte[] expected : bodies) {
            assertThat(recorder.next("frame").frame()).isEqualTo(expected);
        }
        // A frame of jute.maxbuffer in one write: its buffer grows as its bytes come, past the I/O thread's.
        output.write(framed(body(MAX_FRAME, 5)));
        assertThat(recorder.next("frame").frame()).isEqualTo(body(MAX_FRAME, 5));
        // And many at once, in one write: more bytes than the I/O thread's read buffer, so frames straddle reads.
        int frames = 3 * NioLoop.READ_BUFFER_BYTES / 100;
        ByteBuffer many = ByteBuffer.allocate(frames * 104);
        for (int i = 0; i < frames; i++) {
            many.putInt(100).put(ByteBuffer.allocate(100).putInt(i).array());
        }
        output.write(many.array());
        for (int i = 0; i < frames; i++) {
            byte[] frame = recorder.next("frame").frame();
            assertThat(frame).hasSize(100);
            assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(i);
        }
    }

    @Test
    void aFourLetterWordIsAnsweredAndTheConnectionClosedAfterTheAnswer() throws Exception {
        open(true);
        Socket socket = connect();
        Recorder recorder = accepted();
        // The word, then bytes that are no frame (read and dropped), then the end of input.
        socket.getOutputStream().write("ruok\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(recorder.next("word").word()).isEqualTo("ruok");
        socket.getOutputStream().write(new byte[10_000]);
        socket.shutdownOutput();
        recorder.next("inputEnded");
        recorder.link.write(List.of("imok".getBytes(StandardCharsets.US_ASCII)), () -> { });
        recorder.link.closeAfterWrites();
        assertThat(socket.getInputStream().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("imok");
        recorder.next("inactive");
        assertThat(recorder.events).isEmpty();
    }

    @Test
    void aLengthOutOfBoundsClosesOnlyItsConnection() throws Exception {
        open(true);
        Socket bad = connect();
        Recorder badRecorder = accepted();
        Socket good = connect();
        Recorder goodRecorder = accepted();
        bad.getOutputStream().write(ByteBuffer.allocate(8).putInt(0).putInt(MAX_FRAME + 1).array());
        assertThat(badRecorder.next("frame").frame()).isEmpty();
        badRecorder.next("inactive");
        assertThat(bad.getInputStream().read()).as("closed by the server").isEqualTo(-1);

        good.getOutputStream().write(framed(body(3, 9)));
        assertThat(goodRecorder.next("frame").frame()).isEqualTo(body(3, 9));
        Socket negative = connect();
        Recorder negativeRecorder = accepted();
        negative.getOutputStream().write(ByteBuffer.allocate(4).putInt(-1).array());
        negativeRecorder.next("inactive");
    }

    @Test
    void writesFromAnotherThreadGoOutInOrderAndACloseAfterThemGoesLast() throws Exception {
        open(true);
        Socket socket = connect();
        Recorder recorder = accepted();
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 1_000; i++) {
                recorder.link.write(List.of(framed(ByteBuffer.allocate(4).putInt(i).array()), framed(body(i % 300, i))),
                        written::incrementAndGet);
            }
            recorder.link.closeAfterWrites();
        });
        writer.start();
        DataInputStream input = new DataInputStream(socket.getInputStream());
        for (int i = 0; i < 1_000; i++) {
            assertThat(input.readInt()).isEqualTo(4);
            assertThat(input.readInt()).isEqualTo(i);
            byte[] body = new byte[input.readInt()];
            input.readFully(body);
            assertThat(body).isEqualTo(body(i % 300, i));
        }
        assertThat(input.read()).as("closed after the last write").isEqualTo(-1);
        writer.join();
        // 160 KiB written at once may pass the high mark while the reader catches up.
        Event event = recorder.next();
        while (!event.kind().equals("inactive")) {
            assertThat(event.kind()).isIn("unwritable", "writable");
            event = recorder.next();
        }
        assertThat(written.get()).isEqualTo(1_000);
        // A write after the close still runs its callback, at once.
        CountDownLatch late = new CountDownLatch(1);
        recorder.link.write(List.of(new byte[] {1}), late::countDown);
        assertThat(late.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void theEndOfInputIsReportedAndRepliesCanStillBeWritten() throws Exception {
        open(true);
        Socket socket = connect();
        Recorder recorder = accepted();
        socket.getOutputStream().write(framed(body(5, 5)));
        socket.shutdownOutput();
        recorder.next("frame");
        recorder.next("inputEnded");
        recorder.link.write(List.of(framed(body(7, 7))), () -> { });
        DataInputStream input = new DataInputStream(socket.getInputStream());
        assertThat(input.readInt()).isEqualTo(7);
        recorder.link.close();
        recorder.next("inactive");
    }

    @Test
    void aConnectionNotReadFromTakesNoFramesUntilItIsReadAgain() throws Exception {
        open(true);
        Socket socket = connect();
        Recorder recorder = accepted();
        recorder.link.execute(() -> recorder.link.setAutoRead(false));
        CountDownLatch paused = new CountDownLatch(1);
        recorder.link.execute(paused::countDown);
        assertThat(paused.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        socket.getOutputStream().write(framed(body(4, 4)));
        assertThat(recorder.events.poll(300, TimeUnit.MILLISECONDS)).as("nothing read while paused").isNull();
        recorder.link.execute(() -> recorder.link.setAutoRead(true));
        assertThat(recorder.next("frame").frame()).isEqualTo(body(4, 4));
    }

    @Test
    void aClientThatDoesNotReadTurnsItsConnectionUnwritableUntilItDrains() throws Exception {
        open(true);
        Socket socket = connect(4096);
        Recorder recorder = accepted();
        byte[] chunk = framed(body(8 * 1024, 1));
        AtomicLong writtenBytes = new AtomicLong();
        long total = 0;
        // 16 MiB, far more than the sockets' buffers hold, so the queue passes the high mark.
        for (int i = 0; i < 2_000; i++) {
            recorder.link.write(List.of(chunk), () -> writtenBytes.addAndGet(chunk.length));
            total += chunk.length;
        }
        recorder.next("unwritable");
        InputStream input = socket.getInputStream();
        byte[] sink = new byte[64 * 1024];
        long read = 0;
        while (read < total) {
            int count = input.read(sink);
            assertThat(count).isPositive();
            read += count;
        }
        recorder.next("writable");
        long expected = total;
        await().atMost(BOUND).until(() -> writtenBytes.get() == expected);
    }

    @Test
    void beforeItAcceptsAConnectionWaitsInTheBacklog() throws Exception {
        open(false);
        Socket socket = connect();
        socket.getOutputStream().write(framed(body(2, 2)));
        assertThat(recorders.poll(300, TimeUnit.MILLISECONDS)).as("nothing accepted yet").isNull();
        port.accepting(true);
        Recorder recorder = accepted();
        assertThat(recorder.next("frame").frame()).isEqualTo(body(2, 2));
    }

    @Test
    void aTimerRunsOnTheConnectionsThreadAndACancelledOneDoesNot() throws Exception {
        open(true);
        connect();
        Recorder recorder = accepted();
        BlockingQueue<String> ran = new LinkedBlockingQueue<>();
        recorder.link.execute(() -> {
            NioLoop.Timer cancelled = recorder.link.schedule(() -> ran.add("cancelled"), 50);
            recorder.link.schedule(() -> ran.add("later " + Thread.currentThread().getName()), 100);
            recorder.link.schedule(() -> ran.add("sooner"), 10);
            cancelled.cancel();
        });
        assertThat(ran.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("sooner");
        assertThat(ran.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS)).startsWith("later nio-test-io-");
        assertThat(ran.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closingThePortClosesEveryConnectionAndEndsItsThreads() throws Exception {
        open(true);
        List<Socket> clients = new ArrayList<>();
        List<Recorder> accepted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(connect());
            accepted.add(accepted());
        }
        InetSocketAddress address = port.localAddress();
        port.close();
        for (Recorder recorder : accepted) {
            recorder.next("inactive");
            assertThat(recorder.link.isOpen()).isFalse();
        }
        for (Socket client : clients) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("nio-test-")))
                .isEmpty();
        try (Socket refused = new Socket()) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> refused.connect(address, 1_000)))
                    .isInstanceOf(IOException.class);
        }
        assertThat(acceptFailures.get()).isZero();
    }

    /** A listener that fails (a bug) costs its own connection only: the I/O thread goes on serving the rest. */
    @Test
    void aFailingListenerClosesOnlyItsConnection() throws Exception {
        port = new NioClientPort(new InetSocketAddress("127.0.0.1", 0), "nio-test", 1, MAX_FRAME, LOW, HIGH, acceptFailures, () -> {
            Recorder recorder = new Recorder() {
                @Override
                public void onFrame(byte[] frame) {
                    if (frame.length == 13) {
                        throw new IllegalStateException("a listener's bug");
                    }
                    super.onFrame(frame);
                }
            };
            recorders.add(recorder);
            return recorder;
        });
        port.accepting(true);
        Socket failing = connect();
        Recorder failingRecorder = accepted();
        Socket bystander = connect();
        Recorder bystanderRecorder = accepted();
        failing.getOutputStream().write(framed(body(13, 0)));
        failingRecorder.next("inactive");
        assertThat(failing.getInputStream().read()).isEqualTo(-1);
        bystander.getOutputStream().write(framed(body(12, 0)));
        assertThat(bystanderRecorder.next("frame").frame()).isEqualTo(body(12, 0));
        connect().getOutputStream().write(framed(body(11, 0)));
        assertThat(accepted().next("frame").frame()).isEqualTo(body(11, 0));
    }

    @Test
    void manyConnectionsAreSpreadOverTheThreadsAndEachKeepsItsOwnFrames() throws Exception {
        open(true);
        List<Socket> clients = new ArrayList<>();
        List<Recorder> accepted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(connect());
            accepted.add(accepted());
        }
        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).getOutputStream().write(framed(body(i, i)));
        }
        List<String> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            assertThat(accepted.get(i).next("frame").frame()).isEqualTo(body(i, i));
            BlockingQueue<String> name = new LinkedBlockingQueue<>();
            accepted.get(i).link.execute(() -> name.add(Thread.currentThread().getName()));
            threads.add(name.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        }
        assertThat(threads.stream().distinct().sorted().toList()).isEqualTo(List.of("nio-test-io-1", "nio-test-io-2"));
    }
}
