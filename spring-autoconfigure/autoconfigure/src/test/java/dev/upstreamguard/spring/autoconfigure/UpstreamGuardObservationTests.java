package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * A real application with Actuator and Micrometer Tracing's OpenTelemetry bridge calling a real misbehaving
 * upstream through {@code <name>RestClient}: the upstream receives exactly one W3C {@code traceparent}, the RestClient
 * span's, continuing the caller's or the incoming request's trace; {@code http.client.requests} carries the
 * {@code upstream} and {@code error.type} tags. Started with {@link SpringApplicationBuilder}, not
 * {@code @SpringBootTest}, whose test set-up switches tracing off on Boot 3.5 (the same class runs on every line).
 */
class UpstreamGuardObservationTests {
    private static final Pattern TRACEPARENT =
            Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static FaultyUpstream backend;
    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        backend = FaultyUpstream.start(Fault.ok("text/plain", "data"));
        context = new SpringApplicationBuilder(TracedApplication.class).properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "management.tracing.sampling.probability=1.0",
                "upstream-guard.upstreams.backend.base-uri=" + backend.baseUri(),
                "upstream-guard.upstreams.down.base-uri=" + FaultyUpstream.refusingBaseUri(),
                "upstream-guard.upstream-defaults.connect-timeout=500ms",
                "upstream-guard.upstream-defaults.retry.max-attempts=1",
                "upstream-guard.upstream-defaults.circuit-breaker.minimum-number-of-calls=100",
                "upstream-guard.upstream-defaults.circuit-breaker.sliding-window-size=100").run();
    }

    @AfterAll
    static void stop() {
        try {
            if (context != null) {
                context.close();
            }
        } finally {
            backend.close();
        }
    }

    @Test
    void sendsOneValidTraceparentTheRestClientsSpanInTheCallersTrace() {
        Tracer tracer = context.getBean(Tracer.class);
        Span caller = tracer.nextSpan().name("caller").start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(caller)) {
            client("backend").get().uri("/bean-call").retrieve().toBodilessEntity();
        } finally {
            caller.end();
        }
        Matcher sent = onlyTraceparent(request("/bean-call"));
        assertThat(sent.group(1)).as("trace ID").isEqualTo(caller.context().traceId());
        SpanData clientSpan = clientSpanOf(sent.group(1));
        assertThat(sent.group(2)).as("parent ID: the RestClient span").isEqualTo(clientSpan.getSpanId());
        assertThat(clientSpan.getParentSpanId()).isEqualTo(caller.context().spanId());
        assertThat(Integer.parseInt(sent.group(3), 16) & 1).as("sampled flag of %s", sent.group(3)).isEqualTo(1);
    }

    @Test
    void continuesTheTraceOfAnIncomingTraceparentWithOneHeader() throws Exception {
        String incoming = "00-5af7651916cd43dd8448eb211c80319d-c7ad6b7169203331-01";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + context.getEnvironment().getProperty("local.server.port") + "/relay"))
                .header("traceparent", incoming).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("data");
        Matcher sent = onlyTraceparent(request("/relayed"));
        assertThat(sent.group(1)).as("the incoming trace continues").isEqualTo("5af7651916cd43dd8448eb211c80319d");
        assertThat(sent.group(2)).isNotEqualTo("c7ad6b7169203331").isEqualTo(clientSpanOf(sent.group(1)).getSpanId());
    }

    @Test
    void tagsClientObservationsWithTheUpstreamAndTheErrorType() {
        backend.on("/tags-503", Fault.status(503, "busy"));
        client("backend").get().uri("/tags-ok").retrieve().toBodilessEntity();
        assertThatThrownBy(() -> client("backend").get().uri("/tags-503").retrieve().toBodilessEntity())
                .isInstanceOf(ResourceAccessException.class);
        assertThatThrownBy(() -> client("down").get().uri("/tags-refused").retrieve().toBodilessEntity())
                .isInstanceOf(ResourceAccessException.class);

        assertThat(errorTypeOf("/tags-ok")).isEqualTo(List.of("backend", "none", "200"));
        assertThat(errorTypeOf("/tags-503")).isEqualTo(List.of("backend", "upstream_status", "CLIENT_ERROR"));
        assertThat(errorTypeOf("/tags-refused")).isEqualTo(List.of("down", "connection_refused", "CLIENT_ERROR"));
        assertThat(context.getBean(MeterRegistry.class).find("http.client.requests").timers())
                .allSatisfy(timer -> assertThat(timer.getId().getTag("upstream")).isIn("backend", "down"));
    }

    @Test
    void keepsTheLibrarysOwnMeters() {
        client("backend").get().uri("/own-meters").retrieve().toBodilessEntity();
        assertThat(context.getBean(MeterRegistry.class).get("upstream.guard.calls").tag("upstream", "backend")
                .tag("outcome", "success").timer().count()).isPositive();
        assertThat(context.getBean(MeterRegistry.class).get("upstream.guard.pool.max").tag("upstream", "backend")
                .gauge().value()).isPositive();
    }

    /** upstream, error.type and status tags of the one http.client.requests timer of {@code uri}. */
    private static List<String> errorTypeOf(String uri) {
        var timer = context.getBean(MeterRegistry.class).get("http.client.requests").tag("uri", uri).timer();
        assertThat(timer.count()).isEqualTo(1);
        return List.of(timer.getId().getTag("upstream"), timer.getId().getTag("error.type"),
                timer.getId().getTag("status"));
    }

    private static RestClient client(String upstream) {
        return context.getBean(upstream + "RestClient", RestClient.class);
    }

    private static RecordedRequest request(String path) {
        return await().atMost(Duration.ofSeconds(5)).until(
                () -> backend.requests().stream().filter(r -> r.path().equals(path)).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    private static Matcher onlyTraceparent(RecordedRequest request) {
        List<String> values = request.headers().get("traceparent");
        assertThat(values).as("traceparent headers sent upstream").hasSize(1);
        Matcher m = TRACEPARENT.matcher(values.get(0));
        assertThat(m.matches()).as("W3C traceparent: %s", values.get(0)).isTrue();
        assertThat(m.group(1)).isNotEqualTo("0".repeat(32));
        assertThat(m.group(2)).isNotEqualTo("0".repeat(16));
        return m;
    }

    private static SpanData clientSpanOf(String traceId) {
        RecordingSpans spans = context.getBean(RecordingSpans.class);
        return await().atMost(Duration.ofSeconds(5)).until(() -> spans.ended.stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT && s.getTraceId().equals(traceId)).toList(),
                list -> list.size() == 1).get(0);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(RelayController.class)
    static class TracedApplication {
        @Bean
        RecordingSpans recordingSpans() {
            return new RecordingSpans();
        }
    }

    @RestController
    static class RelayController {
        private final RestClient backend;

        RelayController(@Qualifier("backend") RestClient backend) {
            this.backend = backend;
        }

        @GetMapping("/relay")
        String relay() {
            return backend.get().uri("/relayed").retrieve().body(String.class);
        }
    }

    /** Keeps every ended span (the SDK hands SpanProcessor beans to its tracer provider). */
    static final class RecordingSpans implements SpanProcessor {
        final List<SpanData> ended = new CopyOnWriteArrayList<>();

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            ended.add(span.toSpanData());
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
