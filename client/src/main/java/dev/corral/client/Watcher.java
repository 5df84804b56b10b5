package dev.corral.client;

/**
 * Receives {@link WatchedEvent}s: the one given to {@link CorralClient#connect} (the default watcher) and
 * those given to the calls that leave a watch (ZooKeeper 3.9's {@code Watcher}). Every watcher gets the
 * changes of the connection's state; a watcher given to a call gets the notification of the watch that
 * call left, once for a one-time watch, each time for a persistent one. Events come one at a time, in
 * order, on the client's thread, so a watcher must not block nor make requests of the client.
 */
@FunctionalInterface
public interface Watcher {
    void process(WatchedEvent event);
}
