package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.chain.Chain;
import dev.upstreamguard.doctor.chain.ChainHop;
import dev.upstreamguard.doctor.chain.ChainReport;
import dev.upstreamguard.doctor.chain.ClientPool;
import dev.upstreamguard.doctor.chain.Presets;
import dev.upstreamguard.doctor.chain.Setting;
import dev.upstreamguard.doctor.probe.PhaseResult;
import dev.upstreamguard.doctor.probe.ProbePhase;
import dev.upstreamguard.doctor.probe.ProbeReport;
import dev.upstreamguard.spring.autoconfigure.UpstreamGuardProperties.FrontProxyPreset;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationContext;

/**
 * The timeout chain of the running application, front to back: the front proxy as declared by
 * {@code upstream-guard.front-proxy-*} (a preset's documented values under the declared ones), the web application
 * (the embedded server's effective keep-alive and {@code upstream-guard.request-timeout}) and each upstream's pool
 * (its policy; the upstream's keep-alive as last measured by a probe of it, else as declared). Built anew on each
 * check, so a new probe shows at once.
 */
final class RunningChain {
    private static final String P = PropertyNames.PREFIX + ".";

    private final UpstreamGuardProperties properties;
    private final ApplicationContext context;
    private final List<Upstream> upstreams;
    private final UpstreamProber prober;

    RunningChain(UpstreamGuardProperties properties, ApplicationContext context, List<Upstream> upstreams,
            UpstreamProber prober) {
        this.properties = properties;
        this.context = context;
        this.upstreams = List.copyOf(upstreams);
        this.prober = prober;
    }

    /** Checks the chain as it stands now. */
    ChainReport check() {
        Duration margin = properties.getFrontProxyMargin();
        Chain.Builder b = Chain.builder()
                .margin(margin == null || margin.isNegative() ? Chain.DEFAULT_MARGIN : margin);
        frontProxy().ifPresent(b::hop);
        b.hop(webApplication());
        for (Upstream u : upstreams) {
            b.pool(ClientPool.of(u.name(), u.policy(), measuredKeepAlive(u)));
        }
        return b.build().check();
    }

    /** The declared front proxy: a preset with the declared values over its defaults, or the declared values. */
    Optional<ChainHop> frontProxy() {
        Duration timeout = properties.getFrontProxyTimeout();
        Duration idle = properties.getFrontProxyIdleTimeout();
        FrontProxyPreset preset = properties.getFrontProxyPreset();
        if (preset == null) {
            if (timeout == null && idle == null) {
                return Optional.empty();
            }
            return Optional.of(new ChainHop("Front proxy", Hop.REVERSE_PROXY, null,
                    idle == null ? null : new Setting(idle,
                            "the front proxy's idle timeout (" + P + "front-proxy-idle-timeout)", "declared"),
                    null, timeout == null ? null : new Setting(timeout,
                            "the front proxy's timeout (" + P + "front-proxy-timeout)", "declared"),
                    null, List.of()));
        }
        ChainHop h = switch (preset) {
            case ALB -> Presets.alb(null);
            case GCP -> Presets.gcp(null);
            case CLOUDFLARE -> Presets.cloudflare(null);
        };
        Setting keepAlive = h.keepAlive();
        Setting poolIdle = h.poolIdle();
        Setting response = h.responseTimeout();
        if (preset == FrontProxyPreset.ALB) {
            // one knob: the ALB's idle timeout bounds idle connections on both sides and the wait for a response
            Duration one = idle != null ? idle : timeout;
            if (one != null) {
                keepAlive = declared(keepAlive, one, idle != null ? "front-proxy-idle-timeout" : "front-proxy-timeout");
                poolIdle = keepAlive;
                response = keepAlive;
            }
        } else if (idle != null) {
            poolIdle = declared(poolIdle, idle, "front-proxy-idle-timeout");
        }
        if (timeout != null) {
            response = declared(response, timeout, "front-proxy-timeout");
        }
        return Optional.of(new ChainHop(h.name(), h.hop(), keepAlive, poolIdle, h.connectTimeout(), response,
                null, List.of()));
    }

    private static Setting declared(Setting preset, Duration value, String property) {
        return new Setting(value, preset.knob(), P + property);
    }

    /** The application server: its effective keep-alive (unknown when unlimited) and the request deadline. */
    ChainHop webApplication() {
        Optional<ServerKeepAlive> server = ServerKeepAlive.of(context, context.getEnvironment());
        Setting keepAlive = server.filter(s -> !s.value().isNegative())
                .map(s -> new Setting(s.value(), s.property(),
                        s.source().equals("from " + s.property()) ? "configured" : s.source()))
                .orElse(null);
        String key = P + "request-timeout";
        Setting deadline = new Setting(properties.getRequestTimeout(), key,
                context.getEnvironment().containsProperty(key) ? "configured" : "the starter's default");
        return ChainHop.appServer(server.map(ServerKeepAlive::server).orElse("Web application"), keepAlive,
                deadline);
    }

    /** When the upstream closed the probe's idle connection in its last probe, or {@code null}. */
    private Setting measuredKeepAlive(Upstream u) {
        ProbeReport report = prober.last(u.name()).orElse(null);
        if (report == null) {
            return null;
        }
        return report.phases().stream().filter(p -> p.phase() == ProbePhase.KEEP_ALIVE && !p.skipped())
                .map(PhaseResult::facts).map(f -> f.get("closedAfterMs"))
                .filter(Number.class::isInstance).findFirst()
                .map(ms -> new Setting(Duration.ofMillis(((Number) ms).longValue()),
                        P + "upstreams." + u.name() + ".keep-alive", "measured by the probe at " + report.startedAt()))
                .orElse(null);
    }
}
