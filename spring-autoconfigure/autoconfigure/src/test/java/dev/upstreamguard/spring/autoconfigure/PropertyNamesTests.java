package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PropertyNamesTests {
    private final PropertyNames backend = PropertyNames.forUpstream("backend");

    @Test
    void mapsCoreSettingsToTheUpstreamsProperties() {
        assertThat(backend.property("connectTimeout")).isEqualTo("upstream-guard.upstreams.backend.connect-timeout");
        assertThat(backend.property("circuitBreaker.slowCallDurationThreshold"))
                .isEqualTo("upstream-guard.upstreams.backend.circuit-breaker.slow-call-duration-threshold");
        assertThat(backend.property("upstreamKeepAlive")).isEqualTo("upstream-guard.upstreams.backend.keep-alive");
    }

    @Test
    void mapsSharedSettingsToGlobalProperties() {
        assertThat(backend.property("requestTimeout")).isEqualTo("upstream-guard.request-timeout");
        assertThat(backend.property("deadlineHeader")).isEqualTo("upstream-guard.deadline-header.name");
        assertThat(PropertyNames.global().property("responseHeader"))
                .isEqualTo("upstream-guard.correlation.response-header");
    }

    @Test
    void bracketsUpstreamNamesThatHoldDots() {
        assertThat(PropertyNames.forUpstream("users.v2").property("idleTimeout"))
                .isEqualTo("upstream-guard.upstreams[users.v2].idle-timeout");
    }

    @Test
    void rewritesSettingNamesInMessagesButLeavesOtherWords() {
        assertThat(backend.translate("idleTimeout (30s) must be <= upstreamKeepAlive (5s) - keepAliveMargin (1s); see camelCase"))
                .isEqualTo("upstream-guard.upstreams.backend.idle-timeout (30s) must be <= "
                        + "upstream-guard.upstreams.backend.keep-alive (5s) - "
                        + "upstream-guard.upstreams.backend.keep-alive-margin (1s); see camelCase");
    }
}
