package dev.corral.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection as the shell sees it: its link (the port's connection), the gate that stops its reading, and
 * the two figures its per-connection bounds are checked against.
 *
 * <p>Invariants: {@code framesQueued} counts frames decoded on the I/O loop and handed to the node loop
 * that the Node has not taken yet (incremented before the hand-over, decremented when the Node has the
 * frame), so it is never negative; {@code outgoingBytes} counts reply bytes handed to the link and not yet
 * written to the socket (or dropped with it), incremented before the write and decremented when the write
 * completes or fails.
 */
record ClientChannel(long connectionId, ClientLink link, ReadGate gate, AtomicInteger framesQueued, AtomicLong outgoingBytes) {
    ClientChannel(long connectionId, ClientLink link) {
        this(connectionId, link, new ReadGate(link), new AtomicInteger(), new AtomicLong());
    }
}
