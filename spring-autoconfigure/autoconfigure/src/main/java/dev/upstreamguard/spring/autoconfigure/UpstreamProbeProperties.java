package dev.upstreamguard.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the on-demand probe of the {@code upstreams} Actuator endpoint. */
@ConfigurationProperties("upstream-guard.probe")
public class UpstreamProbeProperties {
    /** Time budget of one probe of an upstream (it bounds the endpoint's answer). */
    private Duration budget = Duration.ofSeconds(15);

    /** Idle periods after which the probe reuses its connection to measure the upstream's keep-alive. */
    private List<Duration> idle = new ArrayList<>(List.of(Duration.ofSeconds(1)));

    /** Path (and query) the probe requests, such as /health; unset: the upstream's base URI path. */
    private String path;

    public Duration getBudget() {
        return budget;
    }

    public void setBudget(Duration budget) {
        this.budget = budget;
    }

    public List<Duration> getIdle() {
        return idle;
    }

    public void setIdle(List<Duration> idle) {
        this.idle = idle;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }
}
