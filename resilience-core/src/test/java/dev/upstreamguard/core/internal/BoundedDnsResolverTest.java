package dev.upstreamguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.upstreamguard.core.classify.FailureClassifier;
import dev.upstreamguard.core.classify.FailureKind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.Test;

/** A lookup that never answers ends at the bound with "DNS lookup timed out", not at the resolver's own timeout. */
class BoundedDnsResolverTest {

    @Test
    void silentResolverEndsAtTheBoundAsDnsLookupTimedOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DnsResolver silent = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                await(release);
                throw new UnknownHostException(host + ": Temporary failure in name resolution");
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        BoundedDnsResolver bounded = new BoundedDnsResolver(silent, Duration.ofMillis(200));
        long start = System.nanoTime();
        UnknownHostException e = catchThrowableOfType(UnknownHostException.class,
                () -> bounded.resolve("upstream.test"));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        release.countDown();
        assertThat(e).hasMessage("DNS lookup timed out");
        assertThat(tookMillis).isBetween(190L, 200L + 400L);
        assertThat(FailureClassifier.classify(e, false).kind()).isEqualTo(FailureKind.DNS_ERROR);
        assertThat(FailureClassifier.classify(e, false).details()).isEqualTo("DNS lookup timed out");
    }

    @Test
    void answersAndFailuresWithinTheBoundPassThrough() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        InetAddress answer = InetAddress.getByAddress("upstream.test", new byte[] {127, 0, 0, 9});
        DnsResolver fast = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                lookups.incrementAndGet();
                if (host.equals("missing.test")) {
                    throw new UnknownHostException("missing.test: Name or service not known");
                }
                return new InetAddress[] {answer};
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        BoundedDnsResolver bounded = new BoundedDnsResolver(fast, Duration.ofSeconds(5));
        assertThat(bounded.resolve("upstream.test")).containsExactly(answer);
        assertThat(catchThrowableOfType(UnknownHostException.class, () -> bounded.resolve("missing.test")))
                .hasMessage("missing.test: Name or service not known");
        assertThat(lookups).hasValue(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
