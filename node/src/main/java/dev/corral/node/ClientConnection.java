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

    ClientConnection(long connectionId, String remoteAddress) {
        this.connectionId = connectionId;
        this.remoteAddress = remoteAddress;
        authIds.add(new Id("ip", remoteAddress));
    }
}
