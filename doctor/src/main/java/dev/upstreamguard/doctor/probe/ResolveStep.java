package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The resolve phase: every address in order, the time it took, unknown host told apart from a lookup that timed
 * out or failed temporarily, and the JVM's DNS cache lifetimes (how long a stale record keeps being used).
 */
final class ResolveStep {
    /** JDK default when neither the security property nor the system property is set (no security manager). */
    private static final int DEFAULT_CACHE_TTL = 30;
    private static final int DEFAULT_NEGATIVE_TTL = 10;

    record Outcome(PhaseResult result, List<InetAddress> addresses) {
    }

    private ResolveStep() {
    }

    static Outcome run(String host, HostResolver resolver, Duration lookupTimeout, Budget budget) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("host", Words.safe(host, 255));
        facts.put("jvmCacheTtlSeconds", ttl("networkaddress.cache.ttl", "sun.net.inetaddr.ttl", DEFAULT_CACHE_TTL));
        facts.put("jvmNegativeCacheTtlSeconds",
                ttl("networkaddress.cache.negative.ttl", "sun.net.inetaddr.negative.ttl", DEFAULT_NEGATIVE_TTL));
        long start = System.nanoTime();
        if (isLiteral(host)) {
            try {
                InetAddress a = InetAddress.getByName(host);
                facts.put("addresses", List.of(a.getHostAddress()));
                facts.put("literal", true);
                return new Outcome(PhaseResult.ok(ProbePhase.RESOLVE, Budget.since(start),
                        a.getHostAddress() + " (an address: no lookup)", facts), List.of(a));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a literal address did not parse: " + host, e);
            }
        }
        CompletableFuture<List<InetAddress>> lookup = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                lookup.complete(resolver.resolve(host));
            } catch (Throwable e) {
                lookup.completeExceptionally(e);
            }
        }, "doctor-resolve");
        t.setDaemon(true);
        t.start();
        int wait = budget.timeoutMillis(lookupTimeout);
        try {
            List<InetAddress> addresses = lookup.get(wait, TimeUnit.MILLISECONDS);
            Duration took = Budget.since(start);
            if (addresses == null || addresses.isEmpty()) {
                return failed(facts, took, Hop.UPSTREAM, "the resolver returned no address for " + Words.safe(host, 80),
                        "publish an A or AAAA record for " + Words.safe(host, 80) + ".");
            }
            List<String> shown = new ArrayList<>();
            for (InetAddress a : addresses) {
                shown.add(a.getHostAddress());
            }
            facts.put("addresses", shown);
            facts.put("literal", false);
            return new Outcome(PhaseResult.ok(ProbePhase.RESOLVE, took, String.join(", ", shown)
                    + " in " + Words.duration(took), facts), List.copyOf(addresses));
        } catch (TimeoutException e) {
            lookup.cancel(true);
            Duration took = Budget.since(start);
            facts.put("lookup", "timed out");
            return failed(facts, took, Hop.WEB_APPLICATION, "the lookup of " + Words.safe(host, 80)
                    + " timed out after "
                    + Words.duration(took), "check the DNS servers this host uses (/etc/resolv.conf): they do not "
                    + "answer in time.");
        } catch (ExecutionException e) {
            Duration took = Budget.since(start);
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
            if (cause instanceof UnknownHostException && (message.contains("temporary failure")
                    || message.contains("try again") || message.contains("timed out"))) {
                facts.put("lookup", "temporary failure");
                return failed(facts, took, Hop.WEB_APPLICATION, "the lookup of " + Words.safe(host, 80)
                        + " failed temporarily "
                        + "(the DNS server failed or did not answer)", "check the DNS servers this host uses "
                        + "(/etc/resolv.conf) and retry: the name may exist but could not be looked up.");
            }
            facts.put("lookup", "unknown host");
            return failed(facts, took, Hop.UPSTREAM, Words.safe(host, 80) + " is an unknown host",
                    "check the host name in the upstream's URL and its DNS record.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(facts, Budget.since(start), Hop.WEB_APPLICATION, "interrupted while resolving",
                    "run the probe again.");
        }
    }

    private static Outcome failed(Map<String, Object> facts, Duration took, Hop hop, String summary, String fix) {
        return new Outcome(PhaseResult.problem(ProbePhase.RESOLVE, Verdict.FAILED, took, summary, facts,
                FailureKind.DNS_ERROR, hop, fix), List.of());
    }

    /** Whether {@code host} is an IPv4 or (bracket-less) IPv6 literal, which needs no lookup. */
    static boolean isLiteral(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
    }

    private static int ttl(String securityProperty, String systemProperty, int dflt) {
        String value = Security.getProperty(securityProperty);
        if (value == null) {
            value = System.getProperty(systemProperty);
        }
        if (value == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
