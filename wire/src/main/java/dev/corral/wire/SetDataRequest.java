package dev.corral.wire;

import java.util.Arrays;
import java.util.Objects;

/** Request body of setData (zookeeper.jute {@code SetDataRequest}); version -1 matches any version. */
public record SetDataRequest(String path, byte[] data, int version) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        out.writeInt(version);
    }

    public static SetDataRequest read(JuteInput in) {
        return new SetDataRequest(in.readString(), in.readBuffer(), in.readInt());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SetDataRequest that
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
        return "SetDataRequest[path=" + path + ", data=" + Bytes.preview(data) + ", version=" + version + "]";
    }
}
