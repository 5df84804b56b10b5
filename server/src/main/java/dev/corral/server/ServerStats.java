package dev.corral.server;

import dev.corral.node.Node;

/** The figures the four-letter words print, read from the Node on its loop thread. */
record ServerStats(long zxid, int nodeCount, int connections, int sessions, int watches, long framesReceived, long framesSent) {
    static ServerStats of(Node node, long framesReceived, long framesSent) {
        return new ServerStats(node.tree().lastProcessedZxid(), node.tree().nodeCount(), node.connectionCount(),
                node.sessionTable().size(), node.watches().dataWatchCount() + node.watches().childWatchCount(),
                framesReceived, framesSent);
    }

    /** The srvr answer; figures Corral does not measure yet (latency, outstanding) are left out, not invented. */
    String srvr(String version) {
        return "Zookeeper version: " + version + "\n"
                + "Received: " + framesReceived + "\n"
                + "Sent: " + framesSent + "\n"
                + "Connections: " + connections + "\n"
                + "Zxid: 0x" + Long.toHexString(zxid) + "\n"
                + "Mode: standalone\n"
                + "Node count: " + nodeCount + "\n";
    }
}
