package dev.upstreamguard.core.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;

/**
 * The connections of one pool that are open, so that the addresses it holds can be shown: after a DNS change, which
 * connections still go to the old address. A connection is added when created and removed when closed.
 */
public final class ConnectionAddresses {
    private final Set<Tracked> connections = ConcurrentHashMap.newKeySet();

    /** A connection this registry knows of; it tells the registry when it is closed. */
    interface Tracked {
        ManagedHttpClientConnection connection();

        /** Whether the connection was bound to a socket (a connection being set up is not yet). */
        boolean bound();
    }

    void opened(Tracked connection) {
        connections.add(connection);
    }

    void closed(Tracked connection) {
        connections.remove(connection);
    }

    /**
     * The remote address of every open connection, leased or idle, as {@code ip:port} ({@code [ip]:port} for IPv6),
     * with the number of connections to it, in address order.
     */
    public Map<String, Integer> snapshot() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Tracked tracked : connections) {
            ManagedHttpClientConnection c = tracked.connection();
            if (!c.isOpen()) {
                if (tracked.bound()) {
                    connections.remove(tracked); // closed underneath (by a socket error), not through close()
                }
                continue;
            }
            SocketAddress remote = c.getRemoteAddress();
            if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
                String ip = inet.getAddress().getHostAddress();
                counts.merge((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + inet.getPort(), 1, Integer::sum);
            }
        }
        return Collections.unmodifiableMap(counts);
    }
}
