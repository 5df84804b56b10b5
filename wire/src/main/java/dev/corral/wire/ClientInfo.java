package dev.corral.wire;

/**
 * One identity of a session as reported by whoAmI (zookeeper.jute
 * {@code org.apache.zookeeper.data.ClientInfo}).
 */
public record ClientInfo(String authScheme, String user) {
    public void write(JuteOutput out) {
        out.writeString(authScheme);
        out.writeString(user);
    }

    public static ClientInfo read(JuteInput in) {
        return new ClientInfo(in.readString(), in.readString());
    }
}
