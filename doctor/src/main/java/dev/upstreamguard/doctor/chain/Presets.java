package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.doctor.Hop;
import java.time.Duration;
import java.util.List;

/** Managed load balancers and CDNs with their documented defaults, or the values given. */
public final class Presets {
    /** AWS ALB's default idle timeout (client and target connections). */
    public static final Duration ALB_IDLE = Duration.ofSeconds(60);
    /** AWS ALB's fixed timeout to connect to a target. */
    public static final Duration ALB_CONNECT = Duration.ofSeconds(10);
    /** Google Cloud Application Load Balancer's fixed keep-alive towards backends. */
    public static final Duration GCP_BACKEND_KEEP_ALIVE = Duration.ofSeconds(600);
    /** Google Cloud backend service timeout default. */
    public static final Duration GCP_BACKEND_TIMEOUT = Duration.ofSeconds(30);
    /** Cloudflare's proxy read timeout: 100 s to the first byte of the origin's response. */
    public static final Duration CLOUDFLARE_READ = Duration.ofSeconds(100);
    /** Cloudflare's proxy idle timeout: how long it reuses an idle connection to the origin. */
    public static final Duration CLOUDFLARE_IDLE = Duration.ofSeconds(900);
    /** Cloudflare's limit to complete the TCP connection to the origin. */
    public static final Duration CLOUDFLARE_CONNECT = Duration.ofSeconds(15);

    private Presets() {
    }

    /** An AWS Application Load Balancer with this idle timeout, or the default 60 s when {@code null}. */
    public static ChainHop alb(Duration idle) {
        Setting idleSetting = idle == null ? Setting.byDefault(ALB_IDLE, "idle_timeout.timeout_seconds")
                : new Setting(idle, "idle_timeout.timeout_seconds", "given");
        return new ChainHop("AWS ALB", Hop.LOAD_BALANCER, idleSetting, idleSetting,
                new Setting(ALB_CONNECT, "target connect timeout", "fixed"), idleSetting, null, List.of());
    }

    /**
     * A Google Cloud Application Load Balancer: backend keep-alive 600 s (fixed), backend service timeout as given
     * or 30 s.
     */
    public static ChainHop gcp(Duration backendTimeout) {
        Setting timeout = backendTimeout == null
                ? Setting.byDefault(GCP_BACKEND_TIMEOUT, "backend service timeoutSec")
                : new Setting(backendTimeout, "backend service timeoutSec", "given");
        return new ChainHop("Google Cloud LB", Hop.LOAD_BALANCER, null,
                new Setting(GCP_BACKEND_KEEP_ALIVE, "backend keep-alive", "fixed"), null, timeout,
                null, List.of());
    }

    /** Cloudflare in front of the origin: 100 s to the first byte (or as given), idle reuse 900 s, connect 15 s. */
    public static ChainHop cloudflare(Duration readTimeout) {
        Setting read = readTimeout == null ? Setting.byDefault(CLOUDFLARE_READ, "proxy read timeout")
                : new Setting(readTimeout, "proxy read timeout", "given");
        return new ChainHop("Cloudflare", Hop.CDN, null,
                new Setting(CLOUDFLARE_IDLE, "proxy idle timeout", "fixed"),
                new Setting(CLOUDFLARE_CONNECT, "TCP connect limit", "fixed"), read, null, List.of());
    }
}
