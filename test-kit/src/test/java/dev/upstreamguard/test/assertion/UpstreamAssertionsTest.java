package dev.upstreamguard.test.assertion;

import static dev.upstreamguard.test.assertion.UpstreamAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.retry.RetryBudgetConfig;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;

class UpstreamAssertionsTest {
    private static final String PROBLEM = "{\"type\":\"about:blank\",\"title\":\"Bad Gateway\",\"status\":502,"
            + "\"detail\":\"x \\\"quoted\\\"\",\"correlationId\":\"abc\",\"retryable\":true,\"retryAfter\":2,"
            + "\"requestSent\":\"unknown\",\"errorType\":\"connection_terminated\"}";

    @Test
    void passesOnAWellFormedBadGatewayFromAJavaNetHttpResponse() throws Exception {
        try (FaultyUpstream app = FaultyUpstream.start(Fault.status(502, PROBLEM, "Content-Type",
                "application/problem+json", "Proxy-Status",
                "upstream-guard; error=connection_terminated; details=\"closed\"", "X-Request-ID", "abc",
                "Retry-After", "2"))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(app.baseUri() + "/")).build(), HttpResponse.BodyHandlers.ofString());

            assertThatCode(() -> UpstreamAssertions.assertThat(r).isBadGateway()
                    .hasProxyStatusError("connection_terminated").hasCorrelationId().hasCorrelationId("abc")
                    .hasRetryAfterSecondsBetween(1, 5).isProblemJson().hasProblemMember("status", 502)
                    .hasProblemMember("retryable", true).hasProblemMember("requestSent", "unknown")
                    .hasProblemMember("detail", "x \"quoted\"").hasProblemMember("instance", null))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void failureMessageSaysExpectedActualProxyStatusAndBodyExcerpt() {
        Answer a = Answer.of(200, Map.of("Proxy-Status", List.of("upstream-guard; received-status=500")),
                "line1\nline2\u0000");

        assertThatThrownBy(() -> UpstreamAssertions.assertThat(a).isBadGateway())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected status 502, but was status 200")
                .hasMessageContaining("Proxy-Status: upstream-guard; received-status=500")
                .hasMessageContaining("body: \"line1\\nline2\\u0000\"");
        assertThatThrownBy(() -> UpstreamAssertions.assertThat(a).hasProxyStatusError("connection_refused"))
                .hasMessageContaining("Expected Proxy-Status error=connection_refused, but was no error parameter");
        assertThatThrownBy(() -> UpstreamAssertions.assertThat(a).hasProxyStatusReceivedStatus(503))
                .hasMessageContaining("but was received-status=500");
        assertThatThrownBy(() -> UpstreamAssertions.assertThat(a).hasCorrelationId())
                .hasMessageContaining("Expected a correlation ID in X-Request-ID, but was none");
        assertThatThrownBy(() -> UpstreamAssertions.assertThat(a).isProblemJson())
                .hasMessageContaining("application/problem+json");
    }

    @Test
    void longBodiesAreCutInTheMessage() {
        Answer a = Answer.of(200, null, "y".repeat(5000));

        assertThatThrownBy(() -> UpstreamAssertions.assertThat(a).isGatewayTimeout())
                .hasMessageContaining("... (5000 chars)").message().hasSizeLessThan(600);
    }

    @Test
    void checksAnUpstreamExceptionFromARealRefusedConnection() {
        UpstreamPolicy policy = UpstreamPolicy.builder().requestTimeout(Duration.ofSeconds(2))
                .attemptTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofMillis(300))
                .poolLeaseTimeout(Duration.ofMillis(200)).circuitBreakerEnabled(false)
                .retry(RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(5), Duration.ofMillis(10), 2)
                        .budget(RetryBudgetConfig.unlimited()).build()).build();
        try (Upstream down = Upstream.builder("down").baseUri(FaultyUpstream.refusingBaseUri()).policy(policy)
                .build()) {
            FailureAssert failure = assertFailure(() -> down.execute(ClassicRequestBuilder.get("/").build()));

            assertThatCode(() -> failure.hasKind(FailureKind.CONNECTION_REFUSED).hasErrorType("connection_refused")
                    .hasStatus(502).hasAttempts(3).requestWasNotSent().hasReceivedStatus(0))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> failure.hasAttempts(1))
                    .hasMessageContaining("Expected 1 attempt(s), but was 3 attempt(s)")
                    .hasMessageContaining("Proxy-Status: upstream-guard; error=connection_refused");
            assertThatThrownBy(() -> failure.requestWasSent()).hasMessageContaining("but was requestSent NO");
        }
    }

    @Test
    void assertFailureFailsWhenTheCallSucceedsOrThrowsSomethingElse() {
        assertThatThrownBy(() -> assertFailure(() -> { })).hasMessageContaining("but the call succeeded");
        assertThatThrownBy(() -> assertFailure(() -> {
            throw new IllegalStateException("other");
        })).hasMessageContaining("but the call threw java.lang.IllegalStateException");
    }
}
