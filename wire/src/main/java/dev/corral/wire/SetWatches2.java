package dev.corral.wire;

import java.util.List;

/**
 * Request body of setWatches2, the reconnect form that also re-registers persistent and
 * persistent-recursive watches (zookeeper.jute {@code SetWatches2}).
 */
public record SetWatches2(
        long relativeZxid,
        List<String> dataWatches,
        List<String> existWatches,
        List<String> childWatches,
        List<String> persistentWatches,
        List<String> persistentRecursiveWatches) {
    public void write(JuteOutput out) {
        out.writeLong(relativeZxid);
        out.writeStrings(dataWatches);
        out.writeStrings(existWatches);
        out.writeStrings(childWatches);
        out.writeStrings(persistentWatches);
        out.writeStrings(persistentRecursiveWatches);
    }

    public static SetWatches2 read(JuteInput in) {
        return new SetWatches2(
                in.readLong(),
                in.readStrings(),
                in.readStrings(),
                in.readStrings(),
                in.readStrings(),
                in.readStrings());
    }
}
