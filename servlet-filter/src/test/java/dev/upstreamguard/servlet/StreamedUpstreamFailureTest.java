package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.upstreamguard.core.StreamedResponse;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.servlet.testing.LogCapture;
import dev.upstreamguard.servlet.testing.RawHttp;
import dev.upstreamguard.servlet.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream body that breaks while it is being streamed to the client: the response is committed, so the filter
 * takes the committed-response path (one log line, the response aborted). On the wire the client sees a broken
 * transfer (short of its Content-Length, or chunked without the terminal chunk), never a clean short body.
 */
class StreamedUpstreamFailureTest {
    private static final int DECLARED = 256 * 1024;
    private static final int SENT = 128 * 1024;

    private static ServerSocket upstreamSocket;
    private static Thread upstreamThread;
    private static Upstream upstream;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        upstreamSocket = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        upstreamThread = new Thread(StreamedUpstreamFailureTest::serveTruncatedBodies, "truncating-upstream");
        upstreamThread.setDaemon(true);
        upstreamThread.start();
        upstream = Upstream.builder("files").baseUri("http://127.0.0.1:" + upstreamSocket.getLocalPort())
                .policy(UpstreamPolicy.builder().retry(RetryPolicy.none()).build()).build();
        server = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/download", (req, res) -> {
                    try (StreamedResponse r = upstream.stream(ClassicRequestBuilder.get("/file").build())) {
                        res.setContentType(r.contentType());
                        if (req.getParameter("length") != null) {
                            res.setContentLengthLong(r.contentLength());
                        }
                        r.body().transferTo(res.getOutputStream());
                    }
                })
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            server.close();
        } finally {
            upstream.close();
            upstreamSocket.close();
            upstreamThread.join(5_000);
        }
    }

    /** Answers every request with a 200 declaring DECLARED bytes, sends SENT of them, then closes. */
    private static void serveTruncatedBodies() {
        byte[] body = new byte[SENT];
        Arrays.fill(body, (byte) 'x');
        while (true) {
            try (Socket s = upstreamSocket.accept()) {
                InputStream in = s.getInputStream();
                int last = 0;
                for (int b; (b = in.read()) >= 0; ) { // until the blank line ending the request head
                    last = (last << 8 | b) & 0xFFFFFFFF;
                    if (last == 0x0D0A0D0A) {
                        break;
                    }
                }
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: " + DECLARED + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Test
    void brokenUpstreamBodyAbortsAChunkedResponse() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/download", "X-Request-ID: stream-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.framing()).isEqualTo(RawHttp.Framing.CHUNKED);
        assertThat(r.complete()).as("terminal chunk received").isFalse();
        assertThat(r.body().length()).isLessThanOrEqualTo(SENT);
        assertThat(r.body()).doesNotContain("Bad Gateway");
    }

    @Test
    void brokenUpstreamBodyEndsAContentLengthResponseShortOfItsLength() throws Exception {
        RawHttp.Result r = RawHttp.get(server.port(), "/download?length=1");
        assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(DECLARED));
        assertThat(r.complete()).isFalse();
        assertThat(r.body().length()).isLessThan(DECLARED);
    }

    @Test
    void brokenUpstreamBodyIsLoggedAsCommittedWithItsKind() throws Exception {
        try (LogCapture log = LogCapture.filter()) {
            RawHttp.get(server.port(), "/download", "X-Request-ID: stream-2");
            List<ILoggingEvent> committed = log.events(e -> e.getFormattedMessage()
                    .contains("after the response was committed"));
            assertThat(committed).hasSize(1);
            assertThat(committed.get(0).getFormattedMessage()).contains("correlationId=stream-2", "status=502",
                    "kind=http_response_incomplete", "upstream=files");
        }
    }
}
