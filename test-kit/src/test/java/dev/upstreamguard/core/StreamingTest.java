package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static dev.upstreamguard.core.StreamingSupport.policy;
import static dev.upstreamguard.core.StreamingSupport.readChecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import dev.upstreamguard.core.validate.ResponseValidation;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streaming on a healthy or answering upstream: what the caller gets, when, and what happens to the connection. */
class StreamingTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void bodyLargerThanTheBufferLimitStreamsByteExactAndTheConnectionIsReused() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(20 * MIB)));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().build()));
        assertThat(20L * MIB).isGreaterThan(ResponseValidation.DEFAULT_MAX_BODY_BYTES);

        for (int call = 0; call < 2; call++) {
            try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/download").build())) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.contentType()).isEqualTo("application/octet-stream");
                assertThat(r.contentLength()).isEqualTo(20L * MIB);
                assertThat(upstream.connectionPoolStats().getLeased()).as("held while streaming").isEqualTo(1);
                assertThat(readChecked(r.body())).isEqualTo(20L * MIB);
                assertThat(r.body().read()).as("a clean end stays a clean end").isEqualTo(-1);
            }
        }
        assertThat(server.connectionsAccepted()).as("fully read bodies keep the connection alive").isEqualTo(1);
    }

    @Test
    void bodyReadExactlyToItsLengthThenClosedKeepsTheConnection() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(100_000)));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().build()));
        for (int call = 0; call < 2; call++) {
            try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
                assertThat(r.body().readNBytes(100_000)).hasSize(100_000);
            }
        }
        assertThat(server.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void errorStatusBeforeTheBodyIsRetriedAsWhenBuffered() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.sequence(Fault.status(503, "busy"),
                Fault.streamedBody(50_000))));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().build()));
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(readChecked(r.body())).isEqualTo(50_000);
        }
        assertThat(server.requestsReceived()).isEqualTo(2);
    }

    @Test
    void contentTypeIsValidatedBeforeTheCallerGetsTheResponse() {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(50_000)));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy()
                .validation(ResponseValidation.builder().contentTypes("application/json").build()).build()));
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream.stream(ClassicRequestBuilder.get("/").build()));
        assertThat(e.kind()).isEqualTo(FailureKind.RESPONSE_INVALID);
        assertThat(e.details()).contains("content type not accepted");
        assertThat(e.status()).isEqualTo(502);
    }

    @Test
    void httpClientPathStreamsWhenTheCallAsksAndDoesNotDrainAnAbandonedBody() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(64 * MIB)));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().build()));
        HttpClientContext context = HttpClientContext.create();
        Upstream.streamResponse(context, true);
        long read = upstream.httpClient().execute(null, ClassicRequestBuilder.get(server.baseUri() + "/big").build(),
                context, response -> readChecked(response.getEntity().getContent(), MIB));
        assertThat(read).isEqualTo(MIB);
        assertThat(upstream.connectionPoolStats().getLeased()).isZero();
        assertThat(upstream.connectionPoolStats().getAvailable()).as("closed, not drained into the pool").isZero();
    }

    @Test
    void policyCanStreamTheHttpClientPathWhileExecuteStillBuffers() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(20 * MIB)));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().streamResponses(true).build()));
        try (ClassicHttpResponse response = upstream.httpClient().executeOpen(null,
                ClassicRequestBuilder.get(server.baseUri() + "/").build(), null)) {
            InputStream body = response.getEntity().getContent();
            assertThat(readChecked(body)).isEqualTo(20L * MIB);
        }
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream.execute(ClassicRequestBuilder.get("/").build()));
        assertThat(e.kind()).as("execute() keeps the buffer limit").isEqualTo(FailureKind.HTTP_RESPONSE_BODY_SIZE);
    }

    @Test
    void metricsRecordTimeToFirstByteBytesAndOutcome() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.sequence(Fault.streamedBody(300_000),
                Fault.streamedBody(300_000))));
        Upstream upstream = resources.checked(Upstream.builder("files").baseUri(server.baseUri())
                .policy(policy().build()).meterRegistry(registry).build());
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            readChecked(r.body());
        }
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            readChecked(r.body(), 1000);
        }
        assertThat(registry.get("upstream.guard.stream.first.byte").tag("upstream", "files").timer().count())
                .isEqualTo(2);
        DistributionSummary complete = registry.get("upstream.guard.stream.bytes").tag("outcome", "complete")
                .summary();
        assertThat(complete.count()).isEqualTo(1);
        assertThat(complete.totalAmount()).isEqualTo(300_000);
        assertThat(registry.get("upstream.guard.stream.bytes").tag("outcome", "abandoned").summary().totalAmount())
                .isEqualTo(1000);
        assertThat(registry.get("upstream.guard.stream.duration").tag("outcome", "complete").tag("kind", "none")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void bulkheadPermitIsHeldUntilTheBodyEnds() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.streamedBody(1000)));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().maxConcurrentCalls(1).build()));
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> upstream.stream(ClassicRequestBuilder.get("/").build()));
            assertThat(e.kind()).isEqualTo(FailureKind.CONNECTION_LIMIT_REACHED);
            readChecked(r.body());
        }
        try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/").build())) {
            assertThat(readChecked(r.body())).isEqualTo(1000);
        }
    }

    @Test
    void stallTimeoutIsValidated() {
        assertThatThrownBy(() -> UpstreamPolicy.builder().stallTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stallTimeout must be > 0, but was PT0S");
        assertThatThrownBy(() -> UpstreamPolicy.builder().stallTimeout(Duration.ofDays(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was PT48H");
        assertThat(UpstreamPolicy.from(UpstreamPolicy.builder().stallTimeout(Duration.ofSeconds(5))
                .streamResponses(true).build()).build())
                .extracting(UpstreamPolicy::stallTimeout, UpstreamPolicy::streamResponses)
                .containsExactly(Duration.ofSeconds(5), true);
    }
}
