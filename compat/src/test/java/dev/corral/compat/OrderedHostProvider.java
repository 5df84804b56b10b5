package dev.corral.compat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.zookeeper.client.HostProvider;

/**
 * The official client's host provider without the shuffle: it tries the servers in the order given, from
 * the first, and wraps around. ZooKeeper's {@code StaticHostProvider} shuffles the connect string, which
 * would leave to chance which server each test client starts on; a test that spreads clients over an
 * ensemble gives each client the list rotated to start at its own server.
 *
 * <p>As {@code StaticHostProvider} does, {@link #next} waits {@code spinDelay} ms once it has tried every
 * server without connecting: that is the client's own back-off, not a test's synchronisation.
 */
final class OrderedHostProvider implements HostProvider {
    private final List<InetSocketAddress> servers;
    private int next;
    private int triedSinceConnected;

    OrderedHostProvider(List<InetSocketAddress> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no servers to connect to");
        }
        this.servers = List.copyOf(servers);
    }

    /** Every member's client address, starting with the one at {@code first}. */
    static OrderedHostProvider startingAt(List<InetSocketAddress> servers, int first) {
        List<InetSocketAddress> rotated = new ArrayList<>(servers.subList(first, servers.size()));
        rotated.addAll(servers.subList(0, first));
        return new OrderedHostProvider(rotated);
    }

    @Override
    public synchronized int size() {
        return servers.size();
    }

    @Override
    public synchronized InetSocketAddress next(long spinDelay) {
        if (triedSinceConnected >= servers.size() && spinDelay > 0) {
            try {
                wait(spinDelay); // the client's back-off after a full round of failed connects
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            triedSinceConnected = 0;
        }
        triedSinceConnected++;
        InetSocketAddress server = servers.get(next);
        next = (next + 1) % servers.size();
        return server;
    }

    @Override
    public synchronized void onConnected() {
        triedSinceConnected = 0;
    }

    @Override
    public boolean updateServerList(Collection<InetSocketAddress> serverAddresses, InetSocketAddress currentHost) {
        throw new UnsupportedOperationException("the test's server list is fixed");
    }
}
