package dev.corral.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class PeerLinkTest {
    @Test
    void fullQueueDropsTheOldestNotification() {
        PeerLink link = new PeerLink(2, new InetSocketAddress("127.0.0.1", 1), 3);
        for (byte i = 1; i <= 5; i++) {
            link.enqueue(new byte[] {i});
        }
        assertEquals(2, link.dropped);
        for (byte expected = 3; expected <= 5; expected++) {
            assertEquals(expected, link.poll()[0]);
        }
        assertNull(link.poll());
    }

    @Test
    void zooKeepersQueueOfOneKeepsOnlyTheNewest() {
        PeerLink link = new PeerLink(2, new InetSocketAddress("127.0.0.1", 1), 1);
        link.enqueue(new byte[] {1});
        link.enqueue(new byte[] {2});
        assertEquals(2, link.poll()[0]);
        assertEquals(1, link.dropped);
    }
}
