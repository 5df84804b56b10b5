package dev.corral.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Reply body of multi and multiRead (ZooKeeper 3.9: {@code MultiResponse}, hand-written, not in
 * zookeeper.jute).
 *
 * <p>Grammar:
 * <pre>
 *   reply  = { MultiHeader(type, done=false, err) result } MultiHeader(-1, done=true, -1)
 *   result = the record {@link OpResult} lists for {@code type}
 * </pre>
 * {@code err} in a result's header is 0, or for an {@link OpResult.ErrorResult} its code, which the
 * ErrorResponse body repeats. Like ZooKeeper, {@link #read} takes the code from the body and ignores
 * the header's copy.
 */
public record MultiResponse(List<OpResult> results) {
    public MultiResponse {
        results = List.copyOf(results);
    }

    public void write(JuteOutput out) {
        for (OpResult result : results) {
            int err = result instanceof OpResult.ErrorResult error ? error.err() : ErrorCode.OK;
            new MultiHeader(result.type(), false, err).write(out);
            result.write(out);
        }
        MultiHeader.END.write(out);
    }

    public static MultiResponse read(JuteInput in) {
        // Every result takes at least its header, so the input bounds the result count. The loop
        // cannot pass this bound while each result consumes bytes; the check keeps it enforced.
        int resultsMax = in.remaining() / MultiHeader.BYTES;
        List<OpResult> results = new ArrayList<>();
        int headerAt = in.position();
        MultiHeader header = MultiHeader.read(in);
        while (!header.done()) {
            if (results.size() == resultsMax) {
                throw new MalformedRecordException(
                        "multi reply has more than " + resultsMax + " results at offset " + headerAt);
            }
            results.add(OpResult.read(header.type(), in, headerAt));
            headerAt = in.position();
            header = MultiHeader.read(in);
        }
        return new MultiResponse(results);
    }
}
