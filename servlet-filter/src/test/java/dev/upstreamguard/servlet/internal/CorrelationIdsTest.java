package dev.upstreamguard.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorrelationIdsTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void acceptsSafeIdsUpTo128Characters() {
        assertThat(CorrelationIds.isValid("a")).isTrue();
        assertThat(CorrelationIds.isValid("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")).isFalse();
        assertThat(CorrelationIds.isValid("Root=1-5759e988-bd862e3fe1be46a994272793")).isTrue();
        assertThat(CorrelationIds.isValid("dXNlcjpwYXNz+/=")).isTrue();
        assertThat(CorrelationIds.isValid("x".repeat(128))).isTrue();
        assertThat(CorrelationIds.isValid("x".repeat(129))).isFalse();
        assertThat(CorrelationIds.isValid("")).isFalse();
        assertThat(CorrelationIds.isValid(null)).isFalse();
    }

    @Test
    void rejectsEveryControlAndNonAsciiCharacter() {
        for (char c = 0; c < 0x20; c++) {
            assertThat(CorrelationIds.isValid("a" + c + "b")).as("U+%04x", (int) c).isFalse();
        }
        for (String bad : new String[] {"a\u007fb", "a\u0085b", "caf\u00e9", "a\u2028b", "a b", "a<b", "a\"b", "a'b",
                "a\\b", "a,b", "a;b", "a{b", "a%0d"}) {
            assertThat(CorrelationIds.isValid(bad)).as(bad).isFalse();
        }
    }

    @Test
    void readsTraceIdOfValidTraceparentsOnly() {
        assertThat(CorrelationIds.traceIdOf("00-" + TRACE + "-00f067aa0ba902b7-01")).isEqualTo(TRACE);
        assertThat(CorrelationIds.traceIdOf("01-" + TRACE + "-00f067aa0ba902b7-01-future")).isEqualTo(TRACE);
        assertThat(CorrelationIds.traceIdOf("00-" + TRACE + "-00f067aa0ba902b7-01-extra")).isNull();
        assertThat(CorrelationIds.traceIdOf("ff-" + TRACE + "-00f067aa0ba902b7-01")).isNull();
        assertThat(CorrelationIds.traceIdOf("00-" + TRACE.toUpperCase() + "-00f067aa0ba902b7-01")).isNull();
        assertThat(CorrelationIds.traceIdOf("00-" + TRACE + "-0000000000000000-01")).isNull();
        assertThat(CorrelationIds.traceIdOf("00-" + TRACE + "-00f067aa0ba902b7")).isNull();
        assertThat(CorrelationIds.traceIdOf("00-" + TRACE + "-00f067aa0ba902b7-01" + "x".repeat(500))).isNull();
    }

    @Test
    void generatesDistinct128BitHexIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = CorrelationIds.generate();
            assertThat(id).hasSize(32);
            assertThat(CorrelationIds.isValid(id)).isTrue();
            assertThat(CorrelationIds.traceIdOf("00-" + id + "-00f067aa0ba902b7-01")).isEqualTo(id);
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }
}
