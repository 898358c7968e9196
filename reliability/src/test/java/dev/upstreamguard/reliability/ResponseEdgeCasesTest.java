package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.UpstreamResponse;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import java.time.Duration;
import java.util.List;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstream answers that {@link ResponseFuzzTest} found mishandled (fixed since), each reproduced with the fault
 * server so that they stay fixed.
 */
class ResponseEdgeCasesTest {
    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    private static UpstreamPolicy policy() {
        return UpstreamPolicy.builder()
                .requestTimeout(Duration.ofSeconds(2))
                .attemptTimeout(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofMillis(500))
                .poolLeaseTimeout(Duration.ofMillis(500))
                .circuitBreakerEnabled(false)
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/-1.1 200 OK", "HTTP/1.-1 200 OK", "HTTP/1.1 000 OK"})
    void statusLineHttpCoreRejectsIsAProtocolErrorNotAnInternalError(String statusLine) throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.invalidStatusLine(statusLine)));
        Upstream upstream = resources.checked(Upstream.builder("versions").baseUri(server.baseUri())
                .policy(policy()).build());

        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream.execute(ClassicRequestBuilder.get("/items").build()));

        RawResponse r;
        try (GatewayApp app = GatewayApp.builder(UpstreamGuardConfig.builder().build())
                .route("versions", upstream).start();
                RawHttpConnection client = new RawHttpConnection(app.port())) {
            r = client.exchange(RawHttpConnection.get("/versions/items", List.of("Accept: text/plain")), 5_000);
        }
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(e.kind()).as("kind; cause %s", e.getCause()).isEqualTo(FailureKind.HTTP_PROTOCOL_ERROR);
            soft.assertThat(e.status()).isEqualTo(502);
            soft.assertThat(r.status()).as("gateway answer %s", r).isEqualTo(502);
            soft.assertThat(r.header("Proxy-Status")).contains("error=http_protocol_error");
        });
    }

    @Test
    void bytesBeyondAResponseNeverBecomeTheNextCallsAnswer() throws Exception {
        // Content-Length 2, but a whole second response follows the body on the kept-alive connection.
        String smuggled = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nsmuggled";
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.status(200, "ok" + smuggled,
                "Content-Length", "2")));
        Upstream upstream = resources.checked(Upstream.builder("extra").baseUri(server.baseUri())
                .policy(UpstreamPolicy.from(policy()).maxConcurrentCalls(1).build()).build());

        UpstreamResponse first = upstream.execute(ClassicRequestBuilder.get("/first").build());
        assertThat(first.bodyAsString()).isEqualTo("ok");

        UpstreamResponse second;
        try {
            second = upstream.execute(ClassicRequestBuilder.get("/second").build());
        } catch (UpstreamException failed) {
            return; // refusing the leftovers is fine too; answering with them is not
        }
        assertThat(second.bodyAsString()).as("answer to the second call").isEqualTo("ok");
    }
}
