package dev.corral.compat;

import static org.assertj.core.api.Assertions.fail;

import dev.corral.client.KeeperState;
import dev.corral.client.WatchedEvent;
import dev.corral.client.Watcher;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Watcher} of Corral's own client that records what it is given, as {@link EventLog} does for
 * ZooKeeper's: notifications on one queue, changes of state on another, each waited for with a bound.
 * Absence is proven by order, not by time: the client delivers notifications in the order the server sent
 * them, so once a later event has arrived, an earlier one that did not will not.
 */
final class ClientEvents implements Watcher {
    static final Duration WAIT_BOUND = Duration.ofSeconds(15);
    private static final int CAPACITY = 10_000;

    private final BlockingQueue<WatchedEvent> notifications = new LinkedBlockingQueue<>(CAPACITY);
    private final BlockingQueue<WatchedEvent> states = new LinkedBlockingQueue<>(CAPACITY);

    @Override
    public void process(WatchedEvent event) {
        boolean stored = event.path() == null ? states.offer(event) : notifications.offer(event);
        if (!stored) {
            throw new IllegalStateException("event queue full (" + CAPACITY + " events): " + event);
        }
    }

    /** The next notification, waiting at most {@link #WAIT_BOUND}. */
    WatchedEvent next() throws InterruptedException {
        WatchedEvent event = notifications.poll(WAIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            fail("no notification within " + WAIT_BOUND);
        }
        return event;
    }

    /** The notifications received so far and not yet taken. */
    int pending() {
        return notifications.size();
    }

    /** Waits for a change to {@code state}, skipping other changes; fails after {@link #WAIT_BOUND}. */
    void awaitState(KeeperState state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_BOUND.toNanos();
        while (true) {
            WatchedEvent event = states.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                fail("no " + state.zooKeeperName() + " within " + WAIT_BOUND);
            }
            if (event.state() == state) {
                return;
            }
        }
    }
}
