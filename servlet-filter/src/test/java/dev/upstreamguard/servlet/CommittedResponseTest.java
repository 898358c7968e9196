package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.LogCapture;
import dev.upstreamguard.servlet.testing.RawHttp;
import dev.upstreamguard.servlet.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failure after the response is committed cannot be rewritten: the client must see a broken transfer, never a
 * complete-looking 200. Checked on the wire with a raw socket that frames the response itself.
 */
class CommittedResponseTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/chunked", (req, res) -> {
                    res.setContentType("text/csv");
                    res.getOutputStream().write("id,name\n1,first\n".getBytes(StandardCharsets.UTF_8));
                    res.flushBuffer();
                    throw Failures.refused();
                })
                .servlet("/length", (req, res) -> {
                    res.setContentLength(1000);
                    res.getOutputStream().write("first part".getBytes(StandardCharsets.UTF_8));
                    res.flushBuffer();
                    throw Failures.timeout();
                })
                .servlet("/large", (req, res) -> {
                    byte[] row = "x".repeat(1023).concat("\n").getBytes(StandardCharsets.UTF_8);
                    for (int i = 0; i < 64; i++) {
                        res.getOutputStream().write(row); // overflows the buffer: committed without flushBuffer()
                    }
                    throw new jakarta.servlet.ServletException(Failures.refused());
                })
                .servlet("/complete", (req, res) -> {
                    res.getOutputStream().write("id,name\n".getBytes(StandardCharsets.UTF_8));
                    res.flushBuffer();
                    res.getOutputStream().write("1,first\n".getBytes(StandardCharsets.UTF_8));
                })
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void endsChunkedResponseWithoutTerminalChunk() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/chunked", "X-Request-ID: chunked-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.framing()).isEqualTo(RawHttp.Framing.CHUNKED);
        assertThat(r.body()).isEqualTo("id,name\n1,first\n");
        assertThat(r.complete()).as("terminal chunk received").isFalse();
    }

    @Test
    void endsContentLengthResponseShortOfDeclaredLength() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/length");
        assertThat(r.header("Content-Length")).isEqualTo("1000");
        assertThat(r.body()).isEqualTo("first part");
        assertThat(r.complete()).isFalse();
    }

    @Test
    void abortsResponseCommittedByBufferOverflow() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/large");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.complete()).isFalse();
        assertThat(r.body()).doesNotContain("Bad Gateway");
    }

    @Test
    void completeChunkedResponseEndsWithTerminalChunk() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/complete");
        assertThat(r.framing()).isEqualTo(RawHttp.Framing.CHUNKED);
        assertThat(r.body()).isEqualTo("id,name\n1,first\n");
        assertThat(r.complete()).isTrue();
    }

    @Test
    void closeDelimitedResponseHasNoFramingToBreak() throws Exception {
        // The documented limit: a client that asks for Connection: close gets a body delimited by the close itself,
        // so the aborted response is indistinguishable from a complete one on the wire.
        RawHttp.Result r = RawHttp.get(server.port(), "/chunked", "Connection: close");
        assertThat(r.framing()).isEqualTo(RawHttp.Framing.CLOSE);
        assertThat(r.body()).isEqualTo("id,name\n1,first\n");
    }

    @Test
    void logsCommittedFailureWithCorrelationId() throws Exception {
        try (LogCapture log = LogCapture.filter()) {
            RawHttp.get(server.port(), "/chunked", "X-Request-ID: committed-1");
            ILoggingEvent event = log.events().stream()
                    .filter(e -> e.getFormattedMessage().contains("after the response was committed"))
                    .findFirst().orElseThrow();
            assertThat(event.getFormattedMessage()).isEqualTo("upstream failure after the response was committed;"
                    + " aborting the response: correlationId=committed-1 status=502 kind=connection_refused"
                    + " upstream=billing attempts=3 elapsedMs=41");
            assertThat(event.getMDCPropertyMap()).containsEntry("correlationId", "committed-1");
        }
    }
}
