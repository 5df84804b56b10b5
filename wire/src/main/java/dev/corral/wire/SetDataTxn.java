package dev.corral.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The txn of setData, and of reconfig, which ZooKeeper logs as a setData of /zookeeper/config
 * (zookeeper.jute {@code SetDataTxn}). {@code version} is the node's version after the change.
 */
public record SetDataTxn(String path, byte[] data, int version) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        out.writeInt(version);
    }

    public static SetDataTxn read(JuteInput in) {
        return new SetDataTxn(in.readString(), in.readBuffer(), in.readInt());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SetDataTxn that
                && Objects.equals(path, that.path)
                && Arrays.equals(data, that.data)
                && version == that.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), version);
    }

    @Override
    public String toString() {
        return "SetDataTxn[path=" + path + ", data=" + Bytes.preview(data) + ", version=" + version + "]";
    }
}
