package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Probes one upstream phase by phase and says which phase failed, why (core's failure kind and RFC 9209 error
 * type), which hop is at fault and what to fix. Sends only GET or HEAD; one time budget bounds the whole probe.
 * Immutable and thread-safe; {@link #run()} may be called many times.
 *
 * <pre>{@code
 * ProbeReport report = UpstreamProbe.builder("https://users.internal:8443")
 *         .path("/health").idlePeriods(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)))
 *         .budget(Duration.ofSeconds(30)).build().run();
 * report.verdict();   // OK, DEGRADED or FAILED
 * report.problem();   // the phase at fault, its error type, hop and fix
 * }</pre>
 */
public final class UpstreamProbe {
    /** The default time budget of a whole probe. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);
    /** The default idle periods of the keep-alive phase. */
    public static final List<Duration> DEFAULT_IDLE_PERIODS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5));
    /** The default connect timeout of a URL probe (an {@link Upstream}'s probe uses its policy's). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The default wait for response bytes, and for the TLS handshake, of a URL probe. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** The default wait for name resolution. */
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAX_BUDGET = Duration.ofMinutes(10);
    private static final int MAX_IDLE_PERIODS = 10;
    private static final int MAX_HEADERS = 20;
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "expect");

    private final Config config;

    private UpstreamProbe(Config config) {
        this.config = config;
    }

    /** A probe of {@code url} ({@code http} or {@code https}; its path and query are the ones requested). */
    public static Builder builder(String url) {
        Objects.requireNonNull(url, "url");
        try {
            return builder(new URI(url));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("url must be an http or https URL, but was '"
                    + Words.safe(url, 200) + "'");
        }
    }

    /** A probe of {@code url} ({@code http} or {@code https}; its path and query are the ones requested). */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    /**
     * A probe of {@code upstream}'s base URI with its policy: its connect timeout, its attempt timeout as the wait
     * for a response, and its pool idle time and keep-alive margin for the keep-alive comparison. An Upstream does
     * not expose its TLS context: pass the same one to {@link Builder#sslContext(SSLContext)}. The report's
     * resolve phase also shows the addresses the upstream's pool holds connections to, and is degraded when some
     * of them are no longer among the name's addresses (a DNS change the pool has not followed yet).
     */
    public static Builder builder(Upstream upstream) {
        Objects.requireNonNull(upstream, "upstream");
        if (upstream.baseUri() == null) {
            throw new IllegalArgumentException("upstream '" + upstream.name() + "' has no baseUri to probe: "
                    + "probe a URL instead");
        }
        UpstreamPolicy p = upstream.policy();
        Builder builder = new Builder(upstream.baseUri());
        builder.poolAddresses = upstream::connectionAddresses;
        builder.maxConnectionLifetime = p.maxConnectionLifetime();
        return builder.connectTimeout(p.connectTimeout())
                .responseTimeout(p.attemptTimeout()).poolIdleTimeout(p.idleTimeout())
                .keepAliveMargin(p.keepAliveMargin());
    }

    /** Runs the probe; never throws for anything the upstream does (that is what the report is for). */
    public ProbeReport run() {
        return new ProbeRun(config).run();
    }

    /** The URL this probe requests. */
    public URI target() {
        return config.target();
    }

    /** The immutable settings of one probe, read by {@link ProbeRun}. */
    record Config(URI target, String method, String path, List<String[]> headers, Duration budget,
            List<Duration> idlePeriods, Duration connectTimeout, Duration responseTimeout, Duration lookupTimeout,
            Duration poolIdleTimeout, Duration keepAliveMargin, SSLContext sslContext, HostResolver resolver,
            Supplier<Map<String, Integer>> poolAddresses, Duration maxConnectionLifetime) {
    }

    /** Builds an {@link UpstreamProbe}; every setter rejects a bad value with a message naming it. Not thread-safe. */
    public static final class Builder {
        private final URI url;
        private String path;
        private boolean head;
        private final List<String[]> headers = new ArrayList<>();
        private Duration budget = DEFAULT_BUDGET;
        private List<Duration> idlePeriods = DEFAULT_IDLE_PERIODS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration lookupTimeout = DEFAULT_LOOKUP_TIMEOUT;
        private Duration poolIdleTimeout = UpstreamPolicy.DEFAULT_IDLE_TIMEOUT;
        private Duration keepAliveMargin = UpstreamPolicy.DEFAULT_KEEP_ALIVE_MARGIN;
        private SSLContext sslContext;
        private HostResolver resolver = HostResolver.SYSTEM;
        private Supplier<Map<String, Integer>> poolAddresses;
        private Duration maxConnectionLifetime;

        private Builder(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null
                    || url.getRawUserInfo() != null || url.getPort() > 65535) {
                throw new IllegalArgumentException("url must be an http or https URL with a host (no user "
                        + "info), but was '" + Words.safe(url.toString(), 200) + "'");
            }
            this.url = url;
        }

        /** The path (and query) to request instead of the URL's, such as {@code /health}. */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.length() > 2048 || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("path must start with '/' and hold only visible ASCII "
                        + "(percent-encode the rest), at most 2048 characters, but was '" + Words.safe(path, 200)
                        + "'");
            }
            this.path = path;
            return this;
        }

        /** Whether to send HEAD instead of GET (default GET). */
        public Builder head(boolean head) {
            this.head = head;
            return this;
        }

        /** Adds a request header, such as an API key (Host, Connection and framing headers are the probe's). */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException("header name must be an HTTP token, but was '"
                        + Words.safe(name, 100) + "'");
            }
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the probe itself and cannot "
                        + "be given, but was '" + Words.safe(value, 100) + "'");
            }
            if (value.length() > 4096 || !value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c != 0x7f)) {
                throw new IllegalArgumentException("header " + name + " must be at most 4096 characters without "
                        + "control characters, but was '" + Words.safe(value, 100) + "'");
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new IllegalArgumentException("at most " + MAX_HEADERS + " headers, but got one more: " + name);
            }
            headers.add(new String[] {name, value.trim()});
            return this;
        }

        /** The time budget of the whole probe, 1 ms to 10 min (default 60 s). */
        public Builder budget(Duration budget) {
            this.budget = positive("budget", budget, MAX_BUDGET);
            return this;
        }

        /**
         * The idle periods after which the connection is reused, each 1 ms to 10 min, at most 10 (default 1 s and
         * 5 s); sorted shortest first. Periods that do not fit in the budget are skipped and reported. An empty list
         * measures no keep-alive.
         */
        public Builder idlePeriods(List<Duration> periods) {
            Objects.requireNonNull(periods, "periods");
            if (periods.size() > MAX_IDLE_PERIODS) {
                throw new IllegalArgumentException("at most " + MAX_IDLE_PERIODS + " idle periods, but was "
                        + periods.size());
            }
            List<Duration> sorted = new ArrayList<>();
            for (Duration d : periods) {
                sorted.add(positive("idle period", d, MAX_BUDGET));
            }
            sorted.sort(null);
            this.idlePeriods = List.copyOf(sorted);
            return this;
        }

        /** The connect timeout for each address (default 5 s; an Upstream's probe uses its policy's). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d, MAX_BUDGET);
            return this;
        }

        /** How long to wait for the TLS handshake and for response bytes (default 10 s). */
        public Builder responseTimeout(Duration d) {
            this.responseTimeout = positive("responseTimeout", d, MAX_BUDGET);
            return this;
        }

        /** How long to wait for name resolution (default 5 s). */
        public Builder lookupTimeout(Duration d) {
            this.lookupTimeout = positive("lookupTimeout", d, MAX_BUDGET);
            return this;
        }

        /**
         * The client pool's idle time to compare with the upstream's keep-alive (default core's 30 s); {@code null}
         * compares nothing.
         */
        public Builder poolIdleTimeout(Duration d) {
            this.poolIdleTimeout = d == null ? null : positive("poolIdleTimeout", d, Duration.ofDays(1));
            return this;
        }

        /** The margin the pool's idle time must leave below the upstream's (default core's 1 s). */
        public Builder keepAliveMargin(Duration d) {
            Objects.requireNonNull(d, "keepAliveMargin");
            if (d.isNegative() || d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("keepAliveMargin must be between 0 and 1 min, but was " + d);
            }
            this.keepAliveMargin = d;
            return this;
        }

        /** The TLS context for https (trust store, client certificate); default the JVM's. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /** The name resolver (default {@link HostResolver#SYSTEM}, the JVM's). */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** The probe. */
        public UpstreamProbe build() {
            String target = path != null ? path : url.getRawPath() == null || url.getRawPath().isEmpty() ? "/"
                    : url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            if (path == null && !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("the URL's path must be visible ASCII, but was '"
                        + Words.safe(target, 200) + "'");
            }
            URI full = URI.create(url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getRawAuthority()
                    + target);
            return new UpstreamProbe(new Config(full, head ? "HEAD" : "GET", target, List.copyOf(headers), budget,
                    idlePeriods, connectTimeout, responseTimeout, lookupTimeout, poolIdleTimeout, keepAliveMargin,
                    sslContext, resolver, poolAddresses, maxConnectionLifetime));
        }

        private static Duration positive(String what, Duration d, Duration max) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be more than 0 and at most " + max + ", but was "
                        + d);
            }
            return d;
        }

        private static boolean isTokenChar(int c) {
            return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }
    }
}
