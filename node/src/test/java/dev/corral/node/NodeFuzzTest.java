package dev.corral.node;

import dev.corral.wire.fuzz.RequestGrammar;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grammar fuzzer of {@link NodeFuzzer} in-process against the Node: every opcode alone, then all mixed. {@code mvn verify} runs
 * {@value #FRAMES_DEFAULT} frames from a fresh seed each time; {@code -Dfuzz.frames=1000000} is the long
 * run, {@code -Dfuzz.seed=S} replays a failure exactly (the failure message prints both).
 */
class NodeFuzzTest {
    static final long FRAMES_DEFAULT = 200_000;
    static final long FRAMES_PER_OPCODE = 2_000;
    static final int HOSTILE_PERCENT_PER_OPCODE = 30;

    static List<Integer> opcodes() {
        return RequestGrammar.opcodes();
    }

    /**
     * Every opcode (and a few no server knows) alone, with a third of its fields hostile: none reaches an
     * internal error, and the invariants hold. The seed is fixed per opcode, so a failure replays as is.
     */
    @ParameterizedTest(name = "opcode {0}")
    @MethodSource("opcodes")
    void everyOpcodeWithHostileFieldsIsAnsweredWithoutAnInternalError(int opcode) {
        long seed = 1_000 + opcode;
        NodeFuzzer fuzzer = new NodeFuzzer(seed,
                new RequestGrammar(new Random(seed), "/", HOSTILE_PERCENT_PER_OPCODE).withOpcode(opcode));
        try {
            fuzzer.run(FRAMES_PER_OPCODE);
        } catch (Throwable e) {
            throw new AssertionError("opcode " + opcode + " failed at event " + fuzzer.events + " (seed " + seed + ")", e);
        }
    }

    @Test
    void validAndHostileFramesFromManySessionsNeverReachAnInternalErrorAndKeepTheInvariants() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        long frames = Long.getLong("fuzz.frames", FRAMES_DEFAULT);
        NodeFuzzer fuzzer = new NodeFuzzer(seed);
        long startedNs = System.nanoTime();
        try {
            fuzzer.run(frames);
        } catch (Throwable e) {
            throw new AssertionError("fuzz failed at event " + fuzzer.events + " after " + fuzzer.frames
                    + " frames; replay with -Dfuzz.seed=" + seed + " -Dfuzz.frames=" + frames, e);
        }
        System.out.printf("NodeFuzzTest seed %d: %d frames, %d events in %d ms, %d znodes at the end; replies by error code %s%n",
                seed, fuzzer.frames, fuzzer.events, (System.nanoTime() - startedNs) / 1_000_000, fuzzer.znodes(), fuzzer.errors);
    }
}
