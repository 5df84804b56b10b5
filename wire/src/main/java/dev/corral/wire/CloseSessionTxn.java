package dev.corral.wire;

import java.util.List;

/**
 * The txn of closeSession (zookeeper.jute {@code CloseSessionTxn}): the ephemerals the session owned when
 * the close was prepared. The session id is the header's clientId. ZooKeeper before 3.6, or with
 * {@code zookeeper.closeSessionTxn.enabled=false}, logs a closeSession with no record at all.
 */
public record CloseSessionTxn(List<String> paths2Delete) {
    public void write(JuteOutput out) {
        out.writeStrings(paths2Delete);
    }

    public static CloseSessionTxn read(JuteInput in) {
        return new CloseSessionTxn(in.readStrings());
    }
}
