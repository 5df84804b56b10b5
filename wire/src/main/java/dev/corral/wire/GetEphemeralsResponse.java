package dev.corral.wire;

import java.util.List;

/** Reply body of getEphemerals (zookeeper.jute {@code GetEphemeralsResponse}): full paths. */
public record GetEphemeralsResponse(List<String> ephemerals) {
    public void write(JuteOutput out) {
        out.writeStrings(ephemerals);
    }

    public static GetEphemeralsResponse read(JuteInput in) {
        return new GetEphemeralsResponse(in.readStrings());
    }
}
