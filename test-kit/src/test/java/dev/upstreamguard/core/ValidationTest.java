package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.assertNoLeakedConnection;
import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.core.validate.ResponseValidation;
import java.time.Duration;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ValidationTest {
    private FaultyUpstream server;
    private Upstream upstream;

    @BeforeEach
    void start() throws Exception {
        server = FaultyUpstream.start(Fault.ok("application/json", "{\"ok\":true}"));
    }

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            assertNoLeakedConnection(upstream);
            upstream.close();
        }
        server.close();
    }

    private UpstreamException failWith(ResponseValidation validation) {
        // Generous timeouts: these tests are about validation, and a first answer on a starved machine may be slow.
        upstream = upstream(server.baseUri(), policy().requestTimeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(2)).validation(validation).build());
        return failure(upstream, ClassicRequestBuilder.get("/data").build());
    }

    @Test
    void wrongContentTypeIsAFailureNotData() {
        server.respond(Fault.status(200, "<html>login page</html>", "Content-Type", "text/html"));
        UpstreamException e = failWith(ResponseValidation.builder().contentTypes("application/json").build());
        assertThat(e.kind()).isEqualTo(FailureKind.RESPONSE_INVALID);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.details()).isEqualTo("content type not accepted (expected application/json)");
        assertThat(e.proxyStatus("upstream-guard")).contains("error=http_protocol_error");
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void emptyBodyFailsWhenABodyIsRequired() {
        server.respond(Fault.status(200, "", "Content-Type", "application/json"));
        UpstreamException e = failWith(ResponseValidation.builder().requireBody(true).build());
        assertThat(e.details()).isEqualTo("empty body");
    }

    @Test
    void userRuleThatRejectsTheBodyNamesTheRule() {
        server.respond(Fault.status(200, "{\"truncated\":", "Content-Type", "application/json"));
        UpstreamException e = failWith(ResponseValidation.builder()
                .rule("json-object", r -> r.bodyAsString().trim().endsWith("}")).build());
        assertThat(e.details()).isEqualTo("rule 'json-object' failed");
    }

    @Test
    void ruleThatThrowsCountsAsFailed() {
        UpstreamException e = failWith(ResponseValidation.builder()
                .rule("explodes", r -> { throw new IllegalStateException("bug in rule"); }).build());
        assertThat(e.kind()).isEqualTo(FailureKind.RESPONSE_INVALID);
        assertThat(e.details()).doesNotContain("bug in rule");
    }

    @Test
    void bodyOverTheLimitIsBodySizeError() {
        server.respond(Fault.status(200, "x".repeat(5000), "Content-Type", "application/json"));
        UpstreamException e = failWith(ResponseValidation.builder().maxBodyBytes(1000).build());
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_BODY_SIZE);
        assertThat(e.proxyStatus("upstream-guard")).contains("error=http_response_body_size");
    }

    @Test
    void unacceptedClientErrorStatusIsInvalid() {
        server.respond(Fault.status(404, "{}", "Content-Type", "application/json"));
        UpstreamException e = failWith(ResponseValidation.builder().acceptedStatuses("200-299").build());
        assertThat(e.details()).isEqualTo("status 404 not accepted");
        assertThat(e.receivedStatus()).isEqualTo(404);
    }

    @Test
    void clientErrorStatusIsDataByDefault() throws Exception {
        server.respond(Fault.status(404, "{\"error\":\"not found\"}", "Content-Type", "application/json"));
        upstream = upstream(server.baseUri(), policy().build());
        assertThat(upstream.execute(ClassicRequestBuilder.get("/x").build()).status()).isEqualTo(404);
    }

    @Test
    void validResponsePassesEveryRule() throws Exception {
        upstream = upstream(server.baseUri(), policy().validation(ResponseValidation.builder()
                .acceptedStatuses("200").contentTypes("application/*").requireBody(true)
                .rule("ok", r -> r.bodyAsString().contains("ok")).build()).build());
        assertThat(upstream.execute(ClassicRequestBuilder.get("/x").build()).bodyAsString()).contains("ok");
    }

    @Test
    void rejectsMalformedSettingsWithTheValue() {
        assertThatThrownBy(() -> ResponseValidation.builder().acceptedStatuses("200-abc"))
                .hasMessageContaining("but got 'abc' in \"200-abc\"");
        assertThatThrownBy(() -> ResponseValidation.builder().contentTypes("json"))
                .hasMessageContaining("type/subtype or type/*, but was 'json'");
        assertThatThrownBy(() -> ResponseValidation.builder().maxBodyBytes(-1)).hasMessageContaining("but was -1");
    }
}
