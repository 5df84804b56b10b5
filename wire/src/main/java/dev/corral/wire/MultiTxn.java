package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The txn of multi (zookeeper.jute {@code MultiTxn}): one {@link Op} per op of the request, each the
 * encoding of that op's own txn record wrapped in a buffer, so the record of an op is read only once its
 * type is known (ZooKeeper 3.9: {@code DataTree#processTxn}).
 */
public record MultiTxn(List<Op> txns) {
    public void write(JuteOutput out) {
        out.writeVector(txns, (o, op) -> op.write(o));
    }

    public static MultiTxn read(JuteInput in) {
        return new MultiTxn(in.readVector(Op::read));
    }

    /**
     * One op of a multi (zookeeper.jute {@code org.apache.zookeeper.txn.Txn}): the {@link OpCode} of the
     * op's txn (error for a failed op) and that txn record's bytes.
     */
    public record Op(int type, byte[] data) {
        public void write(JuteOutput out) {
            out.writeInt(type);
            out.writeBuffer(data);
        }

        public static Op read(JuteInput in) {
            return new Op(in.readInt(), in.readBuffer());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Op that && type == that.type && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Txn[type=" + type + ", data=" + Bytes.preview(data) + "]";
        }
    }
}
