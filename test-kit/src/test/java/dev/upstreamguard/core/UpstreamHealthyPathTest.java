package dev.upstreamguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.deadline.Deadline;
import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamHealthyPathTest {
    private FaultyUpstream server;
    private Upstream upstream;

    @BeforeEach
    void start() throws Exception {
        server = FaultyUpstream.start(Fault.ok("application/json", "{\"ok\":true}"));
        upstream = Upstream.builder("users").baseUri(server.baseUri() + "/v1").build();
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        server.close();
    }

    @Test
    void returnsCompleteResponseFromHealthyUpstream() throws Exception {
        UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/users/42").build());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("{\"ok\":true}");
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.attempts()).isEqualTo(1);
    }

    @Test
    void keepsTheUpstreamsContentLengthWhenItMatchesTheBody() throws Exception {
        try (FaultyUpstream faults = FaultyUpstream.start(Fault.ok("hello"));
                Upstream direct = Upstream.builder("direct").baseUri(faults.baseUri()).build()) {
            UpstreamResponse r = direct.execute(ClassicRequestBuilder.get("/x").build());
            assertThat(r.header("Content-Length")).isEqualTo("5");
            assertThat(r.header("Transfer-Encoding")).isNull();
            assertThat(r.bodyAsString()).isEqualTo("hello");
        }
    }

    @Test
    void propagatesCorrelationIdTraceparentAndRemainingDeadline() throws Exception {
        String id = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (RequestContext.Scope ignored = RequestContext.of(id, Deadline.after(Duration.ofMillis(1500)), null).attach()) {
            upstream.execute(ClassicRequestBuilder.get("/ping").build());
        }
        var headers = server.takeRequest(Duration.ofSeconds(1));
        assertThat(headers.header("X-Request-ID")).isEqualTo(id);
        assertThat(headers.header("traceparent")).matches("00-" + id + "-[0-9a-f]{16}-01");
        assertThat(Long.parseLong(headers.header("X-Request-Timeout-Ms"))).isBetween(1L, 1500L);
    }

    @Test
    void forwardsIncomingTraceparentTraceIdWithANewSpan() throws Exception {
        String incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        try (RequestContext.Scope ignored = RequestContext.of("abc", null, incoming).attach()) {
            upstream.execute(ClassicRequestBuilder.get("/ping").build());
        }
        String sent = server.takeRequest(Duration.ofSeconds(1)).header("traceparent");
        assertThat(sent).startsWith("00-0af7651916cd43dd8448eb211c80319c-").endsWith("-01").isNotEqualTo(incoming);
    }

    @Test
    void existingHttpClientCallSitesRunThePolicy() throws Exception {
        String body = upstream.httpClient().execute(new HttpGet(server.baseUri() + "/x"),
                response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));
        assertThat(body).isEqualTo("200 {\"ok\":true}");
        assertThat(server.takeRequest(Duration.ofSeconds(1)).header("X-Request-Timeout-Ms")).isNotNull();
    }
}
