package dev.upstreamguard.examples.gateway;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which header fields a proxy must not forward (RFC 9110 section 7.6.1): the hop-by-hop fields, plus every field
 * the message's {@code Connection} header names. Names compare case-insensitively.
 */
final class HopByHop {
    /** Fields that only concern one connection, whatever {@code Connection} says. */
    static final Set<String> FIELDS = caseInsensitive(Set.of("Connection", "Keep-Alive", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
            // Not in the RFC's list, but sent by old clients and never meant for the next hop.
            "Proxy-Connection"));

    private final Set<String> dropped;

    private HopByHop(Set<String> dropped) {
        this.dropped = dropped;
    }

    /**
     * The fields to drop from a message whose {@code Connection} header values are {@code connectionValues}, plus
     * {@code alsoDropped} (fields the sender sets itself, such as {@code Host} or {@code Content-Length}; {@code null}
     * entries are ignored).
     */
    static HopByHop of(Collection<String> connectionValues, Collection<String> alsoDropped) {
        Set<String> dropped = caseInsensitive(FIELDS);
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    dropped.add(token.trim());
                }
            }
        }
        for (String name : alsoDropped) {
            if (name != null && !name.isBlank()) {
                dropped.add(name);
            }
        }
        return new HopByHop(dropped);
    }

    /** Whether field {@code name} stays on this hop. */
    boolean drops(String name) {
        return dropped.contains(name);
    }

    private static Set<String> caseInsensitive(Collection<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }

    @Override
    public String toString() {
        return "HopByHop" + dropped.toString().toLowerCase(Locale.ROOT);
    }
}
