package dev.upstreamguard.servlet;

import dev.upstreamguard.core.classify.ProxyStatus;
import dev.upstreamguard.core.deadline.DeadlineHeader;
import dev.upstreamguard.servlet.internal.Checks;
import dev.upstreamguard.servlet.spi.ErrorRenderer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable configuration of {@link UpstreamGuardFilter}: {@link #builder()}, {@link #ofDefaults()},
 * {@link #toBuilder()}. Each builder setter rejects a bad value with a message that names it; the option's default
 * is in the setter's Javadoc and in a {@code DEFAULT_*} constant.
 */
public final class UpstreamGuardConfig {
    /** Default incoming correlation headers, tried in order. */
    public static final List<String> DEFAULT_CORRELATION_HEADERS = List.of("X-Request-ID", "X-Correlation-ID");
    /** Default response header that echoes the correlation ID. */
    public static final String DEFAULT_RESPONSE_HEADER = "X-Request-ID";
    /** Default MDC key; core reads the same key when no request context is attached. */
    public static final String DEFAULT_MDC_KEY = "correlationId";
    /** Default request budget. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Default application {@code sendError} statuses answered with the error page. */
    public static final Set<Integer> DEFAULT_INTERCEPTED_STATUSES = Set.of(502, 503, 504);
    /** Default template locations. */
    public static final List<String> DEFAULT_TEMPLATE_LOCATIONS = List.of("classpath:upstream-guard/");
    /** Default media type when {@code Accept} is absent or allows several equally. */
    public static final String DEFAULT_MEDIA_TYPE = "application/problem+json";

    /** A private copy of the builder that built this configuration; never mutated after construction. */
    private final Builder v;

    private UpstreamGuardConfig(Builder source) {
        this.v = new Builder(source);
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration with every option at its default. */
    public static UpstreamGuardConfig ofDefaults() {
        return builder().build();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder(v);
    }

    /** Incoming headers that may carry a correlation ID, tried in order. */
    public List<String> correlationHeaders() {
        return v.correlationHeaders;
    }

    /** Whether a valid W3C {@code traceparent}'s trace-id is accepted as the correlation ID. */
    public boolean acceptTraceparent() {
        return v.acceptTraceparent;
    }

    /** The response header that echoes the correlation ID on every response. */
    public String responseHeader() {
        return v.responseHeader;
    }

    /** The SLF4J MDC key holding the correlation ID during the request. */
    public String mdcKey() {
        return v.mdcKey;
    }

    /** The request's time budget: its deadline is opened at now + this. */
    public Duration requestTimeout() {
        return v.requestTimeout;
    }

    /** The incoming header that may shorten the deadline (when trusted). */
    public String deadlineHeader() {
        return v.deadlineHeader;
    }

    /** Whether the incoming deadline header is honoured. */
    public boolean trustDeadlineHeader() {
        return v.trustDeadlineHeader;
    }

    /** Whether the application's own {@code sendError} with an intercepted status gets the error page. */
    public boolean interceptSendError() {
        return v.interceptSendError;
    }

    /** The {@code sendError} statuses answered with the error page. */
    public Set<Integer> interceptedStatuses() {
        return v.interceptedStatuses;
    }

    /** Where HTML templates are looked up, in order ({@code classpath:} or {@code file:} prefixes). */
    public List<String> templateLocations() {
        return v.templateLocations;
    }

    /** Custom renderers, which replace the built-in one of the same media type or add a media type. */
    public List<ErrorRenderer> renderers() {
        return List.copyOf(v.renderers.values());
    }

    /** The media type chosen when {@code Accept} is absent, {@code *}{@code /*}, or ties. */
    public String defaultMediaType() {
        return v.defaultMediaType;
    }

    /** Whether the upstream's logical name is shown to clients. */
    public boolean showUpstreamName() {
        return v.showUpstreamName;
    }

    /** Whether core's safe failure details are shown to clients. */
    public boolean showDetails() {
        return v.showDetails;
    }

    /** Whether the HTML page and the text body carry guidance for the site's owner. */
    public boolean showOwnerGuidance() {
        return v.showOwnerGuidance;
    }

    /** The name of this site shown in the hops, or {@code null} for "This site". */
    public String siteName() {
        return v.siteName;
    }

    /** Whether error responses carry an RFC 9209 {@code Proxy-Status} header. */
    public boolean proxyStatusEnabled() {
        return v.proxyStatusEnabled;
    }

    /** The intermediary's name in {@code Proxy-Status}. */
    public String proxyName() {
        return v.proxyName;
    }

    /** The prefix of problem+json {@code type} URIs (+ the failure kind), or {@code null} for {@code about:blank}. */
    public String problemTypeBase() {
        return v.problemTypeBase;
    }

    /** Where the {@code upstream.guard.error.responses} counter is registered. */
    public MeterRegistry meterRegistry() {
        return v.meterRegistry;
    }

    /** Builds an {@link UpstreamGuardConfig}. Not thread-safe; reusable. */
    public static final class Builder {
        private static final Set<String> BUILT_IN_TYPES = Set.of("text/html", "application/problem+json", "text/plain");

        private List<String> correlationHeaders = DEFAULT_CORRELATION_HEADERS;
        private boolean acceptTraceparent = true;
        private String responseHeader = DEFAULT_RESPONSE_HEADER;
        private String mdcKey = DEFAULT_MDC_KEY;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private String deadlineHeader = DeadlineHeader.DEFAULT_NAME;
        private boolean trustDeadlineHeader;
        private boolean interceptSendError = true;
        private Set<Integer> interceptedStatuses = DEFAULT_INTERCEPTED_STATUSES;
        private List<String> templateLocations = DEFAULT_TEMPLATE_LOCATIONS;
        private final Map<String, ErrorRenderer> renderers = new LinkedHashMap<>();
        private String defaultMediaType = DEFAULT_MEDIA_TYPE;
        private boolean showUpstreamName;
        private boolean showDetails = true;
        private boolean showOwnerGuidance = true;
        private String siteName;
        private boolean proxyStatusEnabled = true;
        private String proxyName = ProxyStatus.DEFAULT_PROXY_NAME;
        private String problemTypeBase;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder() {
        }

        private Builder(Builder o) {
            correlationHeaders = o.correlationHeaders;
            acceptTraceparent = o.acceptTraceparent;
            responseHeader = o.responseHeader;
            mdcKey = o.mdcKey;
            requestTimeout = o.requestTimeout;
            deadlineHeader = o.deadlineHeader;
            trustDeadlineHeader = o.trustDeadlineHeader;
            interceptSendError = o.interceptSendError;
            interceptedStatuses = o.interceptedStatuses;
            templateLocations = o.templateLocations;
            renderers.putAll(o.renderers);
            defaultMediaType = o.defaultMediaType;
            showUpstreamName = o.showUpstreamName;
            showDetails = o.showDetails;
            showOwnerGuidance = o.showOwnerGuidance;
            siteName = o.siteName;
            proxyStatusEnabled = o.proxyStatusEnabled;
            proxyName = o.proxyName;
            problemTypeBase = o.problemTypeBase;
            meterRegistry = o.meterRegistry;
        }

        /** Incoming headers tried in order for a correlation ID; may be empty. Default {@code X-Request-ID, X-Correlation-ID}. */
        public Builder correlationHeaders(Collection<String> headers) {
            this.correlationHeaders = Checks.tokens("correlationHeaders", headers);
            return this;
        }

        /** Varargs form of {@link #correlationHeaders(Collection)}. */
        public Builder correlationHeaders(String... headers) {
            return correlationHeaders(List.of(headers));
        }

        /** Whether a valid {@code traceparent} trace-id is used when no correlation header is valid. Default true. */
        public Builder acceptTraceparent(boolean accept) {
            this.acceptTraceparent = accept;
            return this;
        }

        /** The response header echoing the correlation ID. Default {@code X-Request-ID}. */
        public Builder responseHeader(String header) {
            this.responseHeader = Checks.token("responseHeader", header);
            return this;
        }

        /** The MDC key holding the correlation ID. Default {@code correlationId}. */
        public Builder mdcKey(String key) {
            this.mdcKey = Checks.token("mdcKey", key);
            return this;
        }

        /** The request budget; must be positive. Default 30s. Keep it below the front proxy's timeout. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Checks.positive("requestTimeout", timeout);
            return this;
        }

        /** The incoming deadline header (ms, or {@code grpc-timeout} syntax). Default {@code X-Request-Timeout-Ms}. */
        public Builder deadlineHeader(String header) {
            this.deadlineHeader = Checks.token("deadlineHeader", header);
            return this;
        }

        /** Whether the incoming deadline header may shorten the budget (only behind a trusted proxy). Default false. */
        public Builder trustDeadlineHeader(boolean trust) {
            this.trustDeadlineHeader = trust;
            return this;
        }

        /** Whether the application's {@code sendError} with an intercepted status gets the error page. Default true. */
        public Builder interceptSendError(boolean intercept) {
            this.interceptSendError = intercept;
            return this;
        }

        /** The intercepted {@code sendError} statuses, each 500..599. Default 502, 503, 504. */
        public Builder interceptedStatuses(Collection<Integer> statuses) {
            this.interceptedStatuses = Checks.serverErrorStatuses("interceptedStatuses", statuses);
            return this;
        }

        /**
         * Template locations searched in order, each {@code classpath:dir/} or {@code file:/dir/}. Default
         * {@code classpath:upstream-guard/}. Templates are read once, when the filter starts.
         */
        public Builder templateLocations(Collection<String> locations) {
            this.templateLocations = Checks.locations("templateLocations", locations);
            return this;
        }

        /** Varargs form of {@link #templateLocations(Collection)}. */
        public Builder templateLocations(String... locations) {
            return templateLocations(List.of(locations));
        }

        /** Adds a renderer, replacing any earlier one (or the built-in one) of the same media type. */
        public Builder renderer(ErrorRenderer renderer) {
            Objects.requireNonNull(renderer, "renderer");
            renderers.put(Checks.mediaType(renderer.mediaType(), renderer.getClass()), renderer);
            return this;
        }

        /** The media type for a missing, wildcard or tied {@code Accept}. Default {@code application/problem+json}. */
        public Builder defaultMediaType(String mediaType) {
            this.defaultMediaType = Objects.requireNonNull(mediaType, "defaultMediaType");
            return this;
        }

        /** Whether clients see the upstream's logical name (never a host). Default false. */
        public Builder showUpstreamName(boolean show) {
            this.showUpstreamName = show;
            return this;
        }

        /** Whether clients see core's safe details (attempts, last failure). Default true. */
        public Builder showDetails(boolean show) {
            this.showDetails = show;
            return this;
        }

        /** Whether the page carries guidance for the site's owner. Default true. */
        public Builder showOwnerGuidance(boolean show) {
            this.showOwnerGuidance = show;
            return this;
        }

        /** The site's name in the hops, at most 80 characters; {@code null} shows "This site". Default null. */
        public Builder siteName(String name) {
            this.siteName = name == null ? null : Checks.text("siteName", name, 80);
            return this;
        }

        /** Whether error responses carry {@code Proxy-Status} (RFC 9209). Default true. */
        public Builder proxyStatusEnabled(boolean enabled) {
            this.proxyStatusEnabled = enabled;
            return this;
        }

        /** This intermediary's name in {@code Proxy-Status}, an RFC 8941 token. Default {@code upstream-guard}. */
        public Builder proxyName(String name) {
            this.proxyName = Checks.proxyName("proxyName", name);
            return this;
        }

        /**
         * An absolute URI prefix for problem+json {@code type} (the failure kind is appended, e.g.
         * {@code https://example.com/problems/} + {@code connection_refused}); {@code null} for {@code about:blank}.
         * Default null.
         */
        public Builder problemTypeBase(String base) {
            this.problemTypeBase = base == null ? null : Checks.absoluteUri("problemTypeBase", base);
            return this;
        }

        /** Where the error-response counter is registered. Default {@link Metrics#globalRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        /** The configuration; fails when {@code defaultMediaType} has no renderer. */
        public UpstreamGuardConfig build() {
            if (!BUILT_IN_TYPES.contains(defaultMediaType) && !renderers.containsKey(defaultMediaType)) {
                throw new IllegalArgumentException("defaultMediaType must be one of " + BUILT_IN_TYPES
                        + " or a custom renderer's media type " + renderers.keySet() + ", but was "
                        + Checks.quote(defaultMediaType));
            }
            return new UpstreamGuardConfig(this);
        }
    }
}
