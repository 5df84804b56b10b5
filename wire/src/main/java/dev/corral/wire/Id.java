package dev.corral.wire;

/** An identity in an ACL scheme (zookeeper.jute {@code org.apache.zookeeper.data.Id}). */
public record Id(String scheme, String id) {
    public static final Id ANYONE = new Id("world", "anyone");
    /** The identity an ACL names to mean "whoever is authenticated on the session" (scheme auth). */
    public static final Id AUTH_IDS = new Id("auth", "");

    public void write(JuteOutput out) {
        out.writeString(scheme);
        out.writeString(id);
    }

    public static Id read(JuteInput in) {
        return new Id(in.readString(), in.readString());
    }
}
