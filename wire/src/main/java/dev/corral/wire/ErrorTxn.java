package dev.corral.wire;

/**
 * The txn of a request that failed in preparation, and of each op of a failed multi (zookeeper.jute
 * {@code ErrorTxn}): it takes its zxid and changes nothing. {@code err} is an {@link ErrorCode}.
 */
public record ErrorTxn(int err) {
    public void write(JuteOutput out) {
        out.writeInt(err);
    }

    public static ErrorTxn read(JuteInput in) {
        return new ErrorTxn(in.readInt());
    }
}
