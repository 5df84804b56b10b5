package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * A {@link Watcher} that records what a ZooKeeper client delivers, in delivery order: node events
 * and notes written by async callbacks share one queue (so their relative order is observable);
 * connection-state events go to a second queue.
 *
 * <p>Absence of an event is proven without sleeping: {@link #drainThroughBarrier} sends an
 * asynchronous request and collects every node event delivered before its callback. ZooKeeper
 * delivers a notification before the reply to any request sent after the change, and the Java
 * client runs watchers and callbacks on one event thread in arrival order.
 */
final class EventLog implements Watcher {

    static final Duration WAIT_BOUND = Duration.ofSeconds(15);
    private static final int CAPACITY = 10_000;

    private final BlockingQueue<Object> entries = new LinkedBlockingQueue<>(CAPACITY);
    private final BlockingQueue<WatchedEvent> states = new LinkedBlockingQueue<>(CAPACITY);
    private int barriers;

    @Override
    public void process(WatchedEvent event) {
        boolean stored = event.getType() == Event.EventType.None ? states.offer(event) : entries.offer(event);
        if (!stored) {
            throw new IllegalStateException("event log full (" + CAPACITY + " entries): " + event);
        }
    }

    /** Appends a note, typically from an async callback, to the node-event queue. */
    void note(String text) {
        if (!entries.offer(text)) {
            throw new IllegalStateException("event log full (" + CAPACITY + " entries): " + text);
        }
    }

    /** The next node event, waiting at most {@link #WAIT_BOUND}. */
    WatchedEvent next() throws InterruptedException {
        Object entry = entries.poll(WAIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        if (entry == null) {
            fail("no watch event within " + WAIT_BOUND);
        }
        if (!(entry instanceof WatchedEvent event)) {
            throw new AssertionError("expected a watch event but got note: " + entry);
        }
        return event;
    }

    /** Entries (events and notes) up to and including {@code note}, waiting for each at most the bound. */
    List<Object> takeThrough(String note) throws InterruptedException {
        List<Object> taken = new ArrayList<>();
        for (int i = 0; i < CAPACITY; i++) {
            Object entry = entries.poll(WAIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            if (entry == null) {
                fail("note '" + note + "' not seen within " + WAIT_BOUND + "; got " + taken);
            }
            taken.add(entry);
            if (entry.equals(note)) {
                return taken;
            }
        }
        throw new AssertionError("note '" + note + "' not among " + CAPACITY + " entries");
    }

    /**
     * Every node event delivered to this log before the reply to a request sent now on {@code zk}.
     * This log must be a watcher of {@code zk} (default or per-call).
     */
    List<WatchedEvent> drainThroughBarrier(ZooKeeper zk) throws InterruptedException {
        String barrier = "barrier-" + (++barriers);
        zk.exists("/", false, (rc, path, ctx, stat) -> note(barrier), null);
        List<WatchedEvent> events = new ArrayList<>();
        for (Object entry : takeThrough(barrier)) {
            if (entry instanceof WatchedEvent event) {
                events.add(event);
            }
        }
        return events;
    }

    /** Waits for a connection-state event, discarding other states before it. */
    void awaitState(Event.KeeperState state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            WatchedEvent event = states.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && event.getState() == state) {
                return;
            }
        }
        fail("no " + state + " state event within " + WAIT_BOUND);
    }

    /** Asserts the next node event's type and path, and returns it for further checks. */
    WatchedEvent expect(Event.EventType type, String path) throws InterruptedException {
        WatchedEvent event = next();
        assertThat(event.getType()).as("type of %s", event).isEqualTo(type);
        assertThat(event.getPath()).as("path of %s", event).isEqualTo(path);
        return event;
    }
}
