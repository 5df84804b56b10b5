package dev.corral.wire;

/** The txn of delete and deleteContainer (zookeeper.jute {@code DeleteTxn}). */
public record DeleteTxn(String path) {
    public void write(JuteOutput out) {
        out.writeString(path);
    }

    public static DeleteTxn read(JuteInput in) {
        return new DeleteTxn(in.readString());
    }
}
