package dev.corral.server.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.QuorumAuthPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quorum authentication step of a connection, both sides on Netty's embedded channels: who passes, who is
 * refused (and the connection closed), what the bytes after authentication become, and the bounds on a peer that
 * sends too much, something else, or too little.
 */
class QuorumAuthHandlerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The first 16 bytes of a FOLLOWERINFO packet: what a learner that does not authenticate sends first. */
    private static final byte[] FOLLOWERINFO_START = Unpooled.buffer().writeInt(11).writeLong(0x500000000L).writeInt(20).array();

    @TempDir
    Path dir;

    /** What the listener heard. */
    private static final class Heard implements QuorumAuthHandler.Listener {
        boolean passed;
        String refused;

        @Override
        public void onPassed(ChannelHandlerContext context) {
            passed = true;
        }

        @Override
        public void onRefused(Channel channel, String reason) {
            refused = reason;
        }
    }

    private static EmbeddedChannel side(QuorumSasl sasl, boolean accepting, Heard heard) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("auth", new QuorumAuthHandler(sasl, accepting, accepting ? null : "localhost", accepting ? "server" : "learner", TIMEOUT, null, null, heard));
        return channel;
    }

    /** Moves bytes between the two channels until neither has more to send. */
    private static void pump(EmbeddedChannel learner, EmbeddedChannel server) {
        boolean moved = true;
        while (moved) {
            moved = move(learner, server) | move(server, learner);
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        ByteBuf out;
        while ((out = from.readOutbound()) != null) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(out);
            } else {
                out.release();
            }
        }
        return moved;
    }

    private static byte[] inbound(EmbeddedChannel channel) {
        ByteBuf in = channel.readInbound();
        if (in == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(in);
        } finally {
            in.release();
        }
    }

    record Pair(String name, QuorumAuthSettings serverSettings, String learnerPassword, boolean serverPasses, boolean learnerPasses) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Pair> pairs() {
        return Stream.of(
                new Pair("good credentials, required", QuorumJaas.REQUIRED, "test", true, true),
                new Pair("good credentials, not required", QuorumJaas.NOT_REQUIRED, "test", true, true),
                // serverRequireSasl: the learner is refused and the connection closed.
                new Pair("wrong password, required", QuorumJaas.REQUIRED, "wrong", false, false),
                // SaslQuorumAuthServer "maintains the connection" after sending ERROR; the learner gives up on ERROR.
                new Pair("wrong password, not required", QuorumJaas.NOT_REQUIRED, "wrong", true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void aLearnerAuthenticatingToAServer(Pair pair) {
        Heard serverHeard = new Heard();
        Heard learnerHeard = new Heard();
        EmbeddedChannel server = side(QuorumJaas.sasl(dir, pair.serverSettings(), "test"), true, serverHeard);
        EmbeddedChannel learner = side(QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, pair.learnerPassword()), false, learnerHeard);
        pump(learner, server);

        assertThat(serverHeard.passed).as("server side passed").isEqualTo(pair.serverPasses());
        assertThat(server.isOpen()).as("server side open").isEqualTo(pair.serverPasses());
        assertThat(learnerHeard.passed).as("learner side passed").isEqualTo(pair.learnerPasses());
        assertThat(learner.isOpen()).as("learner side open").isEqualTo(pair.learnerPasses());
        if (!pair.learnerPasses()) {
            assertThat(learnerHeard.refused).isEqualTo("SASL authentication failed: the server refused the credentials (status ERROR)");
        }
        if (pair.serverPasses() && pair.learnerPasses()) {
            // The handlers stepped aside: what follows reaches the next handler untouched, both ways.
            learner.writeOutbound(Unpooled.wrappedBuffer(FOLLOWERINFO_START));
            move(learner, server);
            assertThat(inbound(server)).isEqualTo(FOLLOWERINFO_START);
            assertThat(server.pipeline().get("auth")).isNull();
            assertThat(learner.pipeline().get("auth")).isNull();
        }
    }

    record Input(String name, QuorumAuthSettings settings, byte[] bytes, boolean passes, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Input> inputs() {
        byte[] oversized = Unpooled.buffer().writeLong(QuorumAuthPacket.MAGIC).writeInt(0).writeInt(QuorumAuthHandler.TOKEN_BYTES_MAX + 1).array();
        byte[] negative = Unpooled.buffer().writeLong(QuorumAuthPacket.MAGIC).writeInt(0).writeInt(-2).array();
        return Stream.of(
                // QuorumAuth#nextPacketIsAuth: no magic in the first 8 bytes.
                new Input("no authentication, required", QuorumJaas.REQUIRED, FOLLOWERINFO_START, false,
                        "Learner not trying to authenticate and authentication is required (quorum.auth.serverRequireSasl=true)"),
                new Input("no authentication, not required", QuorumJaas.NOT_REQUIRED, FOLLOWERINFO_START, true, null),
                // The header's length is enough to refuse: the 64 KiB are not waited for, required or not.
                new Input("oversized token, required", QuorumJaas.REQUIRED, oversized, false,
                        "malformed authentication packet: token length 65537, not in -1..65536"),
                new Input("oversized token, not required", QuorumJaas.NOT_REQUIRED, oversized, false,
                        "malformed authentication packet: token length 65537, not in -1..65536"),
                new Input("negative token length", QuorumJaas.NOT_REQUIRED, negative, false,
                        "malformed authentication packet: token length -2, not in -1..65536"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void whatAnAcceptingMemberDoesWithTheFirstBytes(Input input) {
        Heard heard = new Heard();
        EmbeddedChannel server = side(QuorumJaas.sasl(dir, input.settings(), "test"), true, heard);
        server.writeInbound(Unpooled.wrappedBuffer(input.bytes()));

        assertThat(heard.passed).isEqualTo(input.passes());
        assertThat(server.isOpen()).isEqualTo(input.passes());
        assertThat(heard.refused).isEqualTo(input.reason());
        if (input.passes()) {
            assertThat(inbound(server)).as("the bytes pass on untouched").isEqualTo(input.bytes());
        }
    }

    @Test
    void aPeerThatStopsHalfwayIsClosedAtTheTimeout() {
        Heard heard = new Heard();
        EmbeddedChannel server = side(QuorumJaas.sasl(dir, QuorumJaas.NOT_REQUIRED, "test"), true, heard);
        server.writeInbound(Unpooled.buffer().writeLong(QuorumAuthPacket.MAGIC).writeInt(0));
        // The embedded loop's clock is the real one plus what is advanced: half the timeout leaves room for both.
        server.advanceTimeBy(TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertThat(server.isOpen()).as("before the timeout").isTrue();

        server.advanceTimeBy(TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertThat(server.isOpen()).isFalse();
        assertThat(heard.refused).isEqualTo("no complete authentication within PT5S");
    }

    @Test
    void aLearnerWhoseServerNeverAnswersIsClosedAtTheTimeout() {
        Heard heard = new Heard();
        EmbeddedChannel learner = side(QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, "test"), false, heard);
        ByteBuf first = learner.readOutbound();
        assertThat(first.readLong()).as("the first packet is sent at once").isEqualTo(QuorumAuthPacket.MAGIC);
        first.release();

        learner.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        learner.runScheduledPendingTasks();
        assertThat(learner.isOpen()).isFalse();
        assertThat(heard.refused).isEqualTo("no complete authentication within PT5S");
    }
}
