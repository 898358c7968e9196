package dev.upstreamguard.test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.hc.client5.http.DnsResolver;

/**
 * A host-name resolver for tests, to hand to {@code Upstream.builder(...).dnsResolver(...)}: names that do not
 * resolve, lookups that hang and then fail, names that point at a chosen loopback address ("DNS points to the wrong
 * IP"). A name it was not told about fails like an unknown host, so a test never reaches the real DNS. Immutable:
 * each method returns a new resolver.
 *
 * <pre>{@code
 * DnsResolver dns = TestDns.create()
 *         .resolve("users.test", "127.0.0.1")
 *         .unknownHost("gone.test")
 *         .slow("slow.test", Duration.ofSeconds(3));
 * }</pre>
 */
public final class TestDns implements DnsResolver {
    private final Map<String, Entry> entries;

    private TestDns(Map<String, Entry> entries) {
        this.entries = Map.copyOf(entries);
    }

    /** A resolver that knows no name yet: every lookup fails with {@link UnknownHostException}. */
    public static TestDns create() {
        return new TestDns(Map.of());
    }

    /** Resolves {@code name} to {@code loopbackAddress} (127.0.0.0/8 or ::1 only, so tests stay on this machine). */
    public TestDns resolve(String name, String loopbackAddress) {
        InetAddress address;
        try {
            address = InetAddress.getByName(Objects.requireNonNull(loopbackAddress, "loopbackAddress"));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("loopbackAddress must be an IP literal, but was '" + loopbackAddress
                    + "'", e);
        }
        if (!address.isLoopbackAddress() || !Character.isDigit(loopbackAddress.charAt(0))
                && !loopbackAddress.contains(":")) {
            throw new IllegalArgumentException("loopbackAddress must be a loopback IP literal (127.0.0.0/8 or ::1), "
                    + "but was '" + loopbackAddress + "'");
        }
        try {
            return with(name, new Entry(InetAddress.getByAddress(key(name), address.getAddress()), null));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: the address has a valid length
        }
    }

    /** Makes {@code name} fail at once with {@link UnknownHostException} (NXDOMAIN). */
    public TestDns unknownHost(String name) {
        return with(name, new Entry(null, null));
    }

    /**
     * Makes a lookup of {@code name} wait {@code delay} (cut short if the calling thread is interrupted) and then
     * fail with {@link UnknownHostException}, like a resolver whose server does not answer.
     */
    public TestDns slow(String name, Duration delay) {
        if (Objects.requireNonNull(delay, "delay").isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("delay must be positive, but was " + delay);
        }
        return with(name, new Entry(null, delay));
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        Entry e = entries.get(key(host));
        if (e == null) {
            throw new UnknownHostException(host + ": not known to this test resolver");
        }
        if (e.delay != null) {
            try {
                Thread.sleep(e.delay.toMillis()); // the fault itself: a lookup that hangs
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host + ": lookup timed out after " + e.delay);
        }
        if (e.address == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {e.address};
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        resolve(host);
        return host;
    }

    private TestDns with(String name, Entry entry) {
        Map<String, Entry> copy = new HashMap<>(entries);
        copy.put(key(name), entry);
        return new TestDns(copy);
    }

    private static String key(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 253 || !name.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("name must be a host name, but was '" + name + "'");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private record Entry(InetAddress address, Duration delay) {
    }
}
