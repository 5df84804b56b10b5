package dev.corral.node;

import dev.corral.wire.Id;
import java.util.ArrayList;
import java.util.List;

/**
 * A client connection as the Node knows it: the session it carries and the identities it has
 * authenticated as. The first identity is always ("ip", remote address), as ZooKeeper adds it.
 */
final class ClientConnection {
    final long connectionId;
    final String remoteAddress;
    final List<Id> authIds = new ArrayList<>();
    // 0 until a session is attached.
    long sessionId;
    boolean connectReceived;
    // On a learner, while the leader revalidates the session this connection resumes: the timeout the
    // client was granted; 0 otherwise. Frames are held meanwhile, as while a new session is created.
    int resumingTimeoutMs;
    boolean readOnlyPresent;
    // Set once a request of this connection was dropped behind its session's close: every later one is
    // dropped too (none may be answered before it), until the connection closes with the session.
    boolean droppingBehindClose;
    // Invariant: the requests from this connection in its session's queue, plus its held frames (see
    // Connections#checkOutstanding). Only counted while the connection is open.
    int outstanding;
    // Frames that came after the ConnectRequest of a new session, before the session was established;
    // they are read once it is, as ZooKeeper reads nothing more from the connection until then.
    final java.util.ArrayDeque<byte[]> heldFrames = new java.util.ArrayDeque<>();
    final ConnectionStats stats;

    ClientConnection(long connectionId, String remoteAddress, long openedMs) {
        this.connectionId = connectionId;
        this.remoteAddress = remoteAddress;
        this.stats = new ConnectionStats(openedMs);
        authIds.add(new Id("ip", remoteAddress));
    }
}
