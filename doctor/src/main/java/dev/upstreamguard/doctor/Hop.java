package dev.upstreamguard.doctor;

/**
 * One hop of a request chain, front to back. {@link #label()} is the name a report shows; the hops the error page
 * draws ({@code Browser}, {@code Web application}, {@code Service this site depends on}) carry the same words.
 */
public enum Hop {
    /** The visitor's browser or API client. */
    CLIENT("Browser"),
    /** A content delivery network in front of everything (Cloudflare, CloudFront...). */
    CDN("CDN"),
    /** A cloud or hardware load balancer (AWS ALB, Google Cloud load balancer...). */
    LOAD_BALANCER("Load balancer"),
    /** A reverse proxy run by the site (nginx, HAProxy, Envoy). */
    REVERSE_PROXY("Reverse proxy"),
    /** The application server and the application (Tomcat, Jetty, with the servlet filter). */
    WEB_APPLICATION("Web application"),
    /** The application's pool of connections to an upstream (HttpClient, with core's policy). */
    CLIENT_POOL("Connection pool"),
    /** The service the application calls: the upstream. */
    UPSTREAM("Service this site depends on");

    private final String label;

    Hop(String label) {
        this.label = label;
    }

    /** The name shown to people, as the error page shows it. */
    public String label() {
        return label;
    }

    /** The lower-case name used in JSON and in metric tags, such as {@code reverse_proxy}. */
    public String tagValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
