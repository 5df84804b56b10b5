package dev.corral.testkit;

import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.Frames;
import dev.corral.wire.JuteInput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a server on 127.0.0.1 whether it serves, and in which mode, the way an operator's scripts do.
 *
 * <p>Handshake grammar (ZooKeeper 3.9: {@code ClientCnxn}, {@code ClientCnxnSocketNIO}), integers big-endian:
 * <pre>
 *   frame   = int length, length bytes                      ; length excludes itself
 *   probe   = frame(ConnectRequest)  -> frame(ConnectResponse), then
 *             frame(RequestHeader(1, closeSession)) -> frame(ReplyHeader(1, zxid, err))
 * </pre>
 * A server that is not serving (starting, or a ZooKeeper ensemble member outside a quorum) closes the
 * connection or answers no session; {@code srvr} then says "This ZooKeeper instance is not currently
 * serving requests" instead of a {@code Mode:} line.
 */
public final class ServerProbe {
    /** The session timeout the probe asks for; its session is closed at once. */
    private static final int PROBE_SESSION_TIMEOUT_MS = 30_000;
    private static final int FRAME_BYTES_MAX = 1 << 20;
    private static final int ANSWER_BYTES_MAX = 1 << 20;
    private static final int FOUR_LETTER_TIMEOUT_MS = 10_000;
    private static final Pattern MODE = Pattern.compile("^Mode: (\\w+)$", Pattern.MULTILINE);

    private ServerProbe() {}

    /**
     * True when the server on {@code port} opens a session and closes it again, each answer within
     * {@code timeoutMs}; false when it refuses, times out or answers nonsense (it is still starting).
     */
    public static boolean opensSession(int port, int timeoutMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(Frames.frame(body -> new ConnectRequest(0, 0, PROBE_SESSION_TIMEOUT_MS, 0, new byte[16], false, true)
                    .write(body)));
            ConnectResponse response = ConnectResponse.read(new JuteInput(readFrame(in)));
            if (response.timeOut() <= 0 || response.sessionId() == 0) {
                return false;
            }
            out.write(Frames.frame(body -> new RequestHeader(1, OpCode.CLOSE_SESSION).write(body)));
            return ReplyHeader.read(new JuteInput(readFrame(in))).xid() == 1;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The server's whole answer to a four-letter word such as {@code ruok} or {@code srvr}. */
    public static String fourLetterWord(int port, String word) throws IOException {
        return fourLetterWord(port, word, FOUR_LETTER_TIMEOUT_MS);
    }

    /** As {@link #fourLetterWord(int, String)}, with the connect and every read bounded by {@code timeoutMs}. */
    public static String fourLetterWord(int port, String word, int timeoutMs) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                answer.write(buffer, 0, read);
                if (answer.size() > ANSWER_BYTES_MAX) {
                    throw new IOException("answer to " + word + " on port " + port + " exceeds " + ANSWER_BYTES_MAX + " bytes");
                }
            }
            return answer.toString(StandardCharsets.US_ASCII);
        }
    }

    /**
     * The mode in the server's {@code srvr} answer: leader, follower, observer, standalone (or read-only);
     * empty when it does not answer within {@code timeoutMs} or does not serve.
     */
    public static Optional<String> mode(int port, int timeoutMs) {
        try {
            return modeIn(fourLetterWord(port, "srvr", timeoutMs));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The value of the {@code Mode:} line of a {@code srvr} or {@code stat} answer, if there is one. */
    static Optional<String> modeIn(String answer) {
        Matcher matcher = MODE.matcher(answer);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > FRAME_BYTES_MAX) {
            throw new IOException("frame length " + length);
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }
}
