package dev.corral.node;

import org.junit.jupiter.api.Test;

/**
 * The grammar fuzzer of {@link NodeFuzzer} in-process against the Node. {@code mvn verify} runs
 * {@value #FRAMES_DEFAULT} frames from a fresh seed each time; {@code -Dfuzz.frames=1000000} is the long
 * run, {@code -Dfuzz.seed=S} replays a failure exactly (the failure message prints both).
 */
class NodeFuzzTest {
    static final long FRAMES_DEFAULT = 200_000;

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
