package dev.upstreamguard.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.core.Ordered;

/**
 * Configuration properties of Upstream Guard: {@code upstream-guard.*}. Durations and sizes take Boot's syntax
 * ({@code 2s}, {@code 500ms}, {@code 1MB}).
 */
@ConfigurationProperties("upstream-guard")
public class UpstreamGuardProperties {

    /** Order of the servlet filter registration by default: outside Spring Security (-100) and MVC. */
    public static final int DEFAULT_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    /** Whether Upstream Guard is enabled. */
    private boolean enabled = true;

    /**
     * Deadline of one incoming request, shared by every upstream call made for it (also the deadline of a call made
     * outside a request). Must stay below front-proxy-timeout - front-proxy-margin.
     */
    private Duration requestTimeout = Duration.ofSeconds(30);

    /**
     * Timeout of the proxy in front of the application, when known (nginx proxy_read_timeout: 60s); checked at
     * start-up against request-timeout.
     */
    private Duration frontProxyTimeout;

    /**
     * Idle keep-alive timeout of the proxy or load balancer in front, when known (AWS ALB: 60s, nginx upstream
     * keepalive_timeout: 60s); the embedded server's keep-alive must be longer than it + front-proxy-margin.
     */
    private Duration frontProxyIdleTimeout;

    /**
     * The managed load balancer or CDN in front, when it is one (alb, gcp, cloudflare): its documented defaults
     * (ALB idle timeout 60s; Google Cloud backend keep-alive 600s, timeout 30s; Cloudflare read 100s, idle reuse 900s)
     * fill the front hop of the timeout chain the upstreams Actuator endpoint checks; front-proxy-timeout and
     * front-proxy-idle-timeout override them. Unset: a front proxy known only by those two properties.
     */
    private FrontProxyPreset frontProxyPreset;

    /** How far inside the front proxy's timeouts the application stays. */
    private Duration frontProxyMargin = Duration.ofSeconds(1);

    /** What a misalignment with the front proxy does at start-up: fail, or log a warning. */
    private AlignmentViolations alignmentViolations = AlignmentViolations.FAIL;

    /** Order of the servlet filter's registration. */
    private int filterOrder = DEFAULT_FILTER_ORDER;

    /** Correlation IDs. */
    private final Correlation correlation = new Correlation();

    /** The remaining-deadline header. */
    private final DeadlineHeader deadlineHeader = new DeadlineHeader();

    /** Error responses (HTML page, problem+json, text). */
    private final ErrorPage errorPage = new ErrorPage();

    /** Settings applied to every upstream, under those of upstreams.&lt;name&gt;. */
    @NestedConfigurationProperty
    private final UpstreamProperties upstreamDefaults = new UpstreamProperties();

    /** Upstreams by logical name (1..64 characters of A-Z a-z 0-9 . _ -; write a name with dots as [a.b]). */
    private final Map<String, UpstreamProperties> upstreams = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getFrontProxyTimeout() {
        return frontProxyTimeout;
    }

    public void setFrontProxyTimeout(Duration frontProxyTimeout) {
        this.frontProxyTimeout = frontProxyTimeout;
    }

    public Duration getFrontProxyIdleTimeout() {
        return frontProxyIdleTimeout;
    }

    public void setFrontProxyIdleTimeout(Duration frontProxyIdleTimeout) {
        this.frontProxyIdleTimeout = frontProxyIdleTimeout;
    }

    public FrontProxyPreset getFrontProxyPreset() {
        return frontProxyPreset;
    }

    public void setFrontProxyPreset(FrontProxyPreset frontProxyPreset) {
        this.frontProxyPreset = frontProxyPreset;
    }

    public Duration getFrontProxyMargin() {
        return frontProxyMargin;
    }

    public void setFrontProxyMargin(Duration frontProxyMargin) {
        this.frontProxyMargin = frontProxyMargin;
    }

    public AlignmentViolations getAlignmentViolations() {
        return alignmentViolations;
    }

    public void setAlignmentViolations(AlignmentViolations alignmentViolations) {
        this.alignmentViolations = alignmentViolations;
    }

    public int getFilterOrder() {
        return filterOrder;
    }

    public void setFilterOrder(int filterOrder) {
        this.filterOrder = filterOrder;
    }

    public Correlation getCorrelation() {
        return correlation;
    }

    public DeadlineHeader getDeadlineHeader() {
        return deadlineHeader;
    }

    public ErrorPage getErrorPage() {
        return errorPage;
    }

    public UpstreamProperties getUpstreamDefaults() {
        return upstreamDefaults;
    }

    public Map<String, UpstreamProperties> getUpstreams() {
        return upstreams;
    }

    /** A managed load balancer or CDN whose documented timeouts describe the front proxy. */
    public enum FrontProxyPreset {
        /** AWS Application Load Balancer (idle timeout 60s by default, 10s to connect to a target). */
        ALB,
        /** Google Cloud Application Load Balancer (backend keep-alive 600s, backend service timeout 30s). */
        GCP,
        /** Cloudflare (100s to the origin's first byte, idle reuse 900s, 15s to connect). */
        CLOUDFLARE
    }

    /** What start-up does when the application's timeouts do not fit inside the front proxy's. */
    public enum AlignmentViolations {
        /** Fail start-up, naming the property, its value and the fix. */
        FAIL,
        /** Log the same message as a warning and start. */
        WARN
    }

    /** Correlation ID settings. */
    public static class Correlation {

        /** Incoming headers that may carry a correlation ID, tried in order; an invalid one is replaced. */
        private List<String> headers = new ArrayList<>(Arrays.asList("X-Request-ID", "X-Correlation-ID"));

        /** Whether a valid W3C traceparent's trace-id is used when no correlation header is valid. */
        private boolean acceptTraceparent = true;

        /** Response header echoing the correlation ID. */
        private String responseHeader = "X-Request-ID";

        /** SLF4J MDC key holding the correlation ID during the request. */
        private String mdcKey = "correlationId";

        /** Header carrying the correlation ID to upstreams; empty to send none. */
        private String upstreamHeader = "X-Request-ID";

        public List<String> getHeaders() {
            return headers;
        }

        public void setHeaders(List<String> headers) {
            this.headers = headers;
        }

        public boolean isAcceptTraceparent() {
            return acceptTraceparent;
        }

        public void setAcceptTraceparent(boolean acceptTraceparent) {
            this.acceptTraceparent = acceptTraceparent;
        }

        public String getResponseHeader() {
            return responseHeader;
        }

        public void setResponseHeader(String responseHeader) {
            this.responseHeader = responseHeader;
        }

        public String getMdcKey() {
            return mdcKey;
        }

        public void setMdcKey(String mdcKey) {
            this.mdcKey = mdcKey;
        }

        public String getUpstreamHeader() {
            return upstreamHeader;
        }

        public void setUpstreamHeader(String upstreamHeader) {
            this.upstreamHeader = upstreamHeader;
        }
    }

    /** Remaining-deadline header settings, in both directions. */
    public static class DeadlineHeader {

        /** Header name: remaining milliseconds, or gRPC syntax when named grpc-timeout. */
        private String name = "X-Request-Timeout-Ms";

        /** Whether an incoming deadline header may shorten the request's deadline (only behind a trusted proxy). */
        private boolean trustIncoming;

        /** Whether calls to upstreams carry the remaining deadline in this header. */
        private boolean propagate = true;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public boolean isTrustIncoming() {
            return trustIncoming;
        }

        public void setTrustIncoming(boolean trustIncoming) {
            this.trustIncoming = trustIncoming;
        }

        public boolean isPropagate() {
            return propagate;
        }

        public void setPropagate(boolean propagate) {
            this.propagate = propagate;
        }
    }

    /** Error response settings. */
    public static class ErrorPage {

        /** Where HTML templates are looked up, in order (classpath: or file: locations). */
        private List<String> templateLocations = new ArrayList<>(Arrays.asList("classpath:upstream-guard/"));

        /** Media type answered when Accept is absent, a wildcard, or ties. */
        private String defaultMediaType = "application/problem+json";

        /** Whether clients see the failed upstream's logical name (never a host). */
        private boolean showUpstreamName;

        /** Whether clients see the failure's safe details (attempts, last failure). */
        private boolean showDetails = true;

        /** Whether the page carries guidance for the site's owner. */
        private boolean showOwnerGuidance = true;

        /** Name of this site in the page's hops; unset shows "This site". */
        private String siteName;

        /** Whether the application's own sendError with an intercepted status gets the error page. */
        private boolean interceptSendError = true;

        /** The sendError statuses (500..599) answered with the error page. */
        private List<Integer> interceptedStatuses = new ArrayList<>(Arrays.asList(502, 503, 504));

        /** Whether error responses carry an RFC 9209 Proxy-Status header. */
        private boolean proxyStatusEnabled = true;

        /** This application's name in Proxy-Status (an RFC 8941 token). */
        private String proxyName = "upstream-guard";

        /** Absolute URI prefix of problem+json type URIs (the failure kind is appended); unset: about:blank. */
        private String problemTypeBase;

        public List<String> getTemplateLocations() {
            return templateLocations;
        }

        public void setTemplateLocations(List<String> templateLocations) {
            this.templateLocations = templateLocations;
        }

        public String getDefaultMediaType() {
            return defaultMediaType;
        }

        public void setDefaultMediaType(String defaultMediaType) {
            this.defaultMediaType = defaultMediaType;
        }

        public boolean isShowUpstreamName() {
            return showUpstreamName;
        }

        public void setShowUpstreamName(boolean showUpstreamName) {
            this.showUpstreamName = showUpstreamName;
        }

        public boolean isShowDetails() {
            return showDetails;
        }

        public void setShowDetails(boolean showDetails) {
            this.showDetails = showDetails;
        }

        public boolean isShowOwnerGuidance() {
            return showOwnerGuidance;
        }

        public void setShowOwnerGuidance(boolean showOwnerGuidance) {
            this.showOwnerGuidance = showOwnerGuidance;
        }

        public String getSiteName() {
            return siteName;
        }

        public void setSiteName(String siteName) {
            this.siteName = siteName;
        }

        public boolean isInterceptSendError() {
            return interceptSendError;
        }

        public void setInterceptSendError(boolean interceptSendError) {
            this.interceptSendError = interceptSendError;
        }

        public List<Integer> getInterceptedStatuses() {
            return interceptedStatuses;
        }

        public void setInterceptedStatuses(List<Integer> interceptedStatuses) {
            this.interceptedStatuses = interceptedStatuses;
        }

        public boolean isProxyStatusEnabled() {
            return proxyStatusEnabled;
        }

        public void setProxyStatusEnabled(boolean proxyStatusEnabled) {
            this.proxyStatusEnabled = proxyStatusEnabled;
        }

        public String getProxyName() {
            return proxyName;
        }

        public void setProxyName(String proxyName) {
            this.proxyName = proxyName;
        }

        public String getProblemTypeBase() {
            return problemTypeBase;
        }

        public void setProblemTypeBase(String problemTypeBase) {
            this.problemTypeBase = problemTypeBase;
        }
    }
}
