package dev.corral.wire;

/**
 * Body of a watch notification, sent after a ReplyHeader with xid {@link Xid#NOTIFICATION}
 * (zookeeper.jute {@code WatcherEvent}); {@code type} and {@code state} are the codes of ZooKeeper's
 * {@code Watcher.Event.EventType} and {@code Watcher.Event.KeeperState}.
 */
public record WatcherEvent(int type, int state, String path) {
    public void write(JuteOutput out) {
        out.writeInt(type);
        out.writeInt(state);
        out.writeString(path);
    }

    public static WatcherEvent read(JuteInput in) {
        return new WatcherEvent(in.readInt(), in.readInt(), in.readString());
    }
}
