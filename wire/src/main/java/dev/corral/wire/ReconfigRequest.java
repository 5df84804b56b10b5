package dev.corral.wire;

/**
 * Request body of reconfig (zookeeper.jute {@code ReconfigRequest}); server lists are
 * comma-separated, {@code curConfigId} -1 means no version check.
 */
public record ReconfigRequest(String joiningServers, String leavingServers, String newMembers, long curConfigId) {
    public void write(JuteOutput out) {
        out.writeString(joiningServers);
        out.writeString(leavingServers);
        out.writeString(newMembers);
        out.writeLong(curConfigId);
    }

    public static ReconfigRequest read(JuteInput in) {
        return new ReconfigRequest(in.readString(), in.readString(), in.readString(), in.readLong());
    }
}
