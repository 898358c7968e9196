package dev.upstreamguard.core.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProxyStatusTest {

    @Test
    void formatsErrorTypeAndQuotedDetails() {
        assertThat(ProxyStatus.format("upstream-guard", "connection_refused", 0, "3 attempts"))
                .isEqualTo("upstream-guard; error=connection_refused; details=\"3 attempts\"");
    }

    @Test
    void formatsReceivedStatusWithoutError() {
        assertThat(ProxyStatus.format("upstream-guard", null, 503, null))
                .isEqualTo("upstream-guard; received-status=503");
    }

    @Test
    void escapesQuotesBackslashesAndNonAsciiInDetails() {
        assertThat(ProxyStatus.format("gw", "http_protocol_error", 0, "a\"b\\c\u00e9\r\n"))
                .isEqualTo("gw; error=http_protocol_error; details=\"a\\\"b\\\\c???\"");
    }

    @Test
    void rejectsProxyNamesThatAreNotTokens() {
        assertThatThrownBy(() -> ProxyStatus.format("my proxy", null, 0, null))
                .hasMessageContaining("RFC 8941 token, but was: my proxy");
        assertThatThrownBy(() -> ProxyStatus.format("1proxy", null, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ProxyStatus.format("edge.example/1", null, 502, null)).startsWith("edge.example/1;");
    }

    @Test
    void everyKindHasAnErrorTypeExceptAnsweredStatus() {
        for (FailureKind kind : FailureKind.values()) {
            if (kind == FailureKind.UPSTREAM_STATUS) {
                assertThat(kind.errorType()).isNull();
            } else {
                assertThat(kind.errorType()).matches("[a-z_]+");
                assertThat(kind.defaultStatus()).isIn(500, 502, 503, 504);
            }
        }
    }
}
