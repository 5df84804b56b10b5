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
    boolean readOnlyPresent;
    // Requests from this connection in its session's queue, plus its held frames.
    int outstanding;
    // Frames that came after the ConnectRequest of a new session, before the session was established;
    // they are read once it is, as ZooKeeper reads nothing more from the connection until then.
    final java.util.ArrayDeque<byte[]> heldFrames = new java.util.ArrayDeque<>();
    // What cons shows of a connection (ZooKeeper's ServerCnxn stats); the times are event-clock ms.
    final long openedMs;
    long framesReceived;
    long framesSent;
    int lastOpcode = -1;
    int lastCxid;
    long lastZxid;
    long lastResponseMs;
    long lastLatencyMs;
    final LatencyStats latency = new LatencyStats();

    ClientConnection(long connectionId, String remoteAddress, long openedMs) {
        this.connectionId = connectionId;
        this.remoteAddress = remoteAddress;
        this.openedMs = openedMs;
        authIds.add(new Id("ip", remoteAddress));
    }
}
