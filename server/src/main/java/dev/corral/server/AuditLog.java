package dev.corral.server;

import dev.corral.node.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit log ({@code audit.enable=true}) through a logger of its own, so that operators route it to
 * a file of its own. The logger has ZooKeeper's name, {@value #LOGGER_NAME}, so that the logback
 * configuration ZooKeeper's audit log documentation gives (zookeeperAuditLogs.md) routes Corral's lines
 * unchanged. Failures are logged at ERROR and the rest at INFO, as Slf4jAuditLogger does. The server's own
 * events (start, stop, ephemeral deletions at a session's end) name as user the account the server runs as
 * (ZooKeeper's Login.SYSTEM_USER, the {@code user.name} system property, when no SASL login is configured).
 */
final class AuditLog {
    static final String LOGGER_NAME = "org.apache.zookeeper.audit.Slf4jAuditLogger";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private final boolean enabled;
    private final String serverUser = System.getProperty("user.name");

    AuditLog(boolean enabled) {
        this.enabled = enabled;
    }

    void write(AuditEvent event) {
        String line = event.withServerUser(serverUser).line();
        if (event.result() == AuditEvent.Result.FAILURE) {
            LOG.error(line);
        } else {
            LOG.info(line);
        }
    }

    /** serverStart: success once serving, failure if the start failed (ZKAuditProvider#addZKStartStopAuditLog). */
    void serverStarted(boolean success) {
        serverEvent(AuditEvent.SERVER_START, success ? AuditEvent.Result.SUCCESS : AuditEvent.Result.FAILURE);
    }

    /** serverStop, "invoked": it is written before the server has stopped. */
    void serverStopping() {
        serverEvent(AuditEvent.SERVER_STOP, AuditEvent.Result.INVOKED);
    }

    private void serverEvent(String operation, AuditEvent.Result result) {
        if (enabled) {
            write(new AuditEvent(null, null, null, operation, null, null, null, result, true));
        }
    }
}
