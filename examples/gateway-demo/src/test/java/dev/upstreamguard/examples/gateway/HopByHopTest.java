package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopByHopTest {

    @Test
    void dropsTheStandardHopByHopFieldsInAnyCase() {
        HopByHop rules = HopByHop.of(List.of(), List.of());
        for (String name : List.of("connection", "KEEP-ALIVE", "Proxy-Authenticate", "proxy-authorization", "te",
                "Trailer", "transfer-encoding", "Upgrade", "Proxy-Connection")) {
            assertThat(rules.drops(name)).as(name).isTrue();
        }
        assertThat(rules.drops("X-Custom")).isFalse();
        assertThat(rules.drops("Content-Type")).isFalse();
        assertThat(rules.drops("Authorization")).isFalse();
    }

    @Test
    void dropsTheFieldsNamedInConnection() {
        HopByHop rules = HopByHop.of(List.of("keep-alive, X-Hop-One", " x-hop-two ,,"), List.of());
        assertThat(rules.drops("X-Hop-One")).isTrue();
        assertThat(rules.drops("X-HOP-TWO")).isTrue();
        assertThat(rules.drops("X-Hop-Three")).isFalse();
    }

    @Test
    void dropsTheExtraFieldsAndIgnoresMissingOnes() {
        HopByHop rules = HopByHop.of(List.of(), Arrays.asList("Host", null, "", "content-length"));
        assertThat(rules.drops("host")).isTrue();
        assertThat(rules.drops("Content-Length")).isTrue();
        assertThat(rules.drops("")).isFalse();
    }
}
