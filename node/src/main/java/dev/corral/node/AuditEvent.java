package dev.corral.node;

/**
 * One line of the audit log, in ZooKeeper 3.9's format (AuditEvent#toString, ZKAuditProvider#createLogEvent):
 * <pre>
 * line   := { key "=" value TAB } "result=" result      (a field whose value is null is left out)
 * key    := session | user | ip | operation | znode | znode_type | acl, in this order
 * result := success | failure | invoked
 * </pre>
 * {@code user} is the comma-separated user names of the connection's identities (AuthUtil#getUsers: the ip,
 * a digest user, an x509 subject; never super), or, for what the server itself does, the name of the user
 * the server runs as, which only the shell knows: {@link #byServer} events leave it to the shell.
 *
 * @param byServer the server's own action (ephemeral deletion at a session's end, start, stop)
 */
public record AuditEvent(String session, String user, String ip, String operation, String znode, String znodeType, String acl,
        Result result, boolean byServer) {

    /** ZooKeeper's AuditEvent.Result. */
    public enum Result {
        SUCCESS, FAILURE, INVOKED
    }

    /** ZooKeeper's AuditConstants operation names. */
    public static final String CREATE = "create";
    public static final String DELETE = "delete";
    public static final String SET_DATA = "setData";
    public static final String SET_ACL = "setAcl";
    public static final String MULTI = "multiOperation";
    public static final String RECONFIG = "reconfig";
    public static final String EPHEMERAL_DELETED = "ephemeralZNodeDeletionOnSessionCloseOrExpire";
    public static final String SERVER_START = "serverStart";
    public static final String SERVER_STOP = "serverStop";

    /** The event with {@code serverUser} as the user of a {@link #byServer} event. */
    public AuditEvent withServerUser(String serverUser) {
        return byServer ? new AuditEvent(session, serverUser, ip, operation, znode, znodeType, acl, result, true) : this;
    }

    /** The line as ZooKeeper writes it. */
    public String line() {
        StringBuilder line = new StringBuilder();
        append(line, "session", session);
        append(line, "user", user);
        append(line, "ip", ip);
        append(line, "operation", operation);
        append(line, "znode", znode);
        append(line, "znode_type", znodeType);
        append(line, "acl", acl);
        return line.append("result=").append(result.name().toLowerCase(java.util.Locale.ROOT)).toString();
    }

    private static void append(StringBuilder line, String key, String value) {
        if (value != null) {
            line.append(key).append('=').append(value).append('\t');
        }
    }
}
