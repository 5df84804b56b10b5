package dev.corral.wire;

import java.util.Arrays;
import java.util.Objects;

/** Reply body of getData (zookeeper.jute {@code GetDataResponse}); also a multiRead result. */
public record GetDataResponse(byte[] data, Stat stat) {
    public void write(JuteOutput out) {
        out.writeBuffer(data);
        stat.write(out);
    }

    public static GetDataResponse read(JuteInput in) {
        return new GetDataResponse(in.readBuffer(), Stat.read(in));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GetDataResponse that
                && Arrays.equals(data, that.data)
                && Objects.equals(stat, that.stat);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(data), stat);
    }

    @Override
    public String toString() {
        return "GetDataResponse[data=" + Bytes.preview(data) + ", stat=" + stat + "]";
    }
}
