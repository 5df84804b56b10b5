package dev.corral.wire;

import java.util.List;

/**
 * Request body of setWatches, sent with xid {@link Xid#SET_WATCHES} on reconnect to re-arm one-time
 * watches (zookeeper.jute {@code SetWatches}).
 */
public record SetWatches(
        long relativeZxid,
        List<String> dataWatches,
        List<String> existWatches,
        List<String> childWatches) {
    public void write(JuteOutput out) {
        out.writeLong(relativeZxid);
        out.writeStrings(dataWatches);
        out.writeStrings(existWatches);
        out.writeStrings(childWatches);
    }

    public static SetWatches read(JuteInput in) {
        return new SetWatches(in.readLong(), in.readStrings(), in.readStrings(), in.readStrings());
    }
}
