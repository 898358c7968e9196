package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.classify.FailureClassifier;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.core5.net.InetAddressUtils;

/**
 * A {@link DnsResolver} whose lookups end within a bound (the connect timeout): the JDK's lookup has none of its
 * own, and a resolver that never answers costs its configured timeout times its attempts (glibc: 5 s x 2, per
 * name server) before the JDK gives up. A lookup past the bound fails with an {@link UnknownHostException} whose
 * message is {@link FailureClassifier#DNS_LOOKUP_TIMED_OUT}; the lookup itself finishes on its own daemon thread,
 * which ends when the system resolver gives up. IP literals are not looked up.
 */
final class BoundedDnsResolver implements DnsResolver {
    private final DnsResolver delegate;
    private final long boundNanos;

    BoundedDnsResolver(DnsResolver delegate, Duration bound) {
        this.delegate = delegate;
        this.boundNanos = bound.toNanos();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (isLiteral(host)) {
            return delegate.resolve(host);
        }
        return bounded(() -> delegate.resolve(host));
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        if (isLiteral(host)) {
            return delegate.resolveCanonicalHostname(host);
        }
        return bounded(() -> delegate.resolveCanonicalHostname(host));
    }

    private interface Lookup<T> {
        T run() throws UnknownHostException;
    }

    private <T> T bounded(Lookup<T> lookup) throws UnknownHostException {
        FutureTask<T> task = new FutureTask<>(lookup::run);
        Thread t = new Thread(task, "upstream-guard-dns");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(boundNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new UnknownHostException(FailureClassifier.DNS_LOOKUP_TIMED_OUT);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            UnknownHostException u = new UnknownHostException("DNS lookup failed");
            u.initCause(e.getCause());
            throw u;
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            UnknownHostException u = new UnknownHostException("DNS lookup interrupted");
            u.initCause(new InterruptedIOException("interrupted"));
            throw u;
        }
    }

    private static boolean isLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return InetAddressUtils.isIPv4Address(h) || InetAddressUtils.isIPv6Address(h);
    }
}
