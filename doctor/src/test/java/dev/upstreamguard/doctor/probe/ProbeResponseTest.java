package dev.upstreamguard.doctor.probe;

import static dev.upstreamguard.doctor.testing.HttpFaults.ascii;
import static dev.upstreamguard.doctor.testing.HttpFaults.concat;
import static dev.upstreamguard.doctor.testing.Measured.assertNear;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.testing.HttpFaults;
import dev.upstreamguard.doctor.testing.RawServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Processing and transfer outcomes against raw-socket servers answering exact bytes. */
class ProbeResponseTest {

    private static ProbeReport probe(RawServer.Handler handler) throws Exception {
        try (RawServer server = RawServer.start(handler)) {
            return UpstreamProbe.builder(server.url("http") + "/health").idlePeriods(List.of())
                    .responseTimeout(Duration.ofSeconds(3)).build().run();
        }
    }

    @Test
    void serviceUnavailableIsAnUpstreamStatusFailureWithTheStatus() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndown")));

        PhaseResult processing = report.problem().orElseThrow();
        assertThat(processing.phase()).isEqualTo(ProbePhase.PROCESSING);
        assertThat(processing.kind()).isEqualTo(FailureKind.UPSTREAM_STATUS);
        assertThat(processing.errorType()).isNull();
        assertThat(processing.reason()).isEqualTo("upstream_status");
        assertThat(processing.facts()).containsEntry("status", 503).containsEntry("httpVersion", "HTTP/1.1")
                .containsEntry("connection", "close");
        assertThat(processing.fix()).contains("answered 503", "GET /health");
        assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("bytes", 4L);
    }

    @Test
    void notFoundDegradesAndPointsAtThePath() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")));

        assertThat(report.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(report.problem().orElseThrow().reason()).isEqualTo("client_status");
    }

    @Test
    void bodyShorterThanContentLengthIsIncomplete() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii(
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly forty bytes of the hundred promised.")));

        PhaseResult transfer = report.problem().orElseThrow();
        assertThat(transfer.phase()).isEqualTo(ProbePhase.TRANSFER);
        assertThat(transfer.errorType()).isEqualTo("http_response_incomplete");
        assertThat(transfer.summary()).isEqualTo("the body ended after 41 of 100 bytes (Content-Length)");
        assertThat(transfer.hop()).isEqualTo(Hop.UPSTREAM);
    }

    @Test
    void garbageInsteadOfHttpIsAProtocolErrorShowingTheFirstBytesEscaped() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(new byte[] {'S', 'S', 'H', '-', '2', 0x1b, '[', '2', 'J', 0}));

        PhaseResult processing = report.problem().orElseThrow();
        assertThat(processing.errorType()).isEqualTo("http_protocol_error");
        assertThat(processing.summary()).isEqualTo("the answer is not HTTP: it starts with 'SSH-2\\x1b[2J\\x00'");
        assertThat(report.phase(ProbePhase.TRANSFER).skipped()).isTrue();
    }

    @Test
    void statusOutsideTheValidRangeIsAProtocolErrorNotAnUpstreamStatus() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii(
                "HTTP/1.1 999 Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")));

        PhaseResult processing = report.problem().orElseThrow();
        assertThat(processing.errorType()).isEqualTo("http_protocol_error");
        assertThat(processing.summary()).isEqualTo("status 999 is outside 100..599");
    }

    @Test
    void hostileHeaderValuesLoseTheirControlCharacters() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                + "Connection: clo\u0007se\u001b[2J\r\nKeep-Alive: " + "x".repeat(500) + "\r\n\r\n")));

        assertThat(report.phase(ProbePhase.PROCESSING).facts().get("connection")).isEqualTo("clo?se?[2J");
        assertThat((String) report.phase(ProbePhase.PROCESSING).facts().get("keepAlive")).hasSize(103);
    }

    @Test
    void headerLineOverEightKilobytesIsAHeaderSizeError() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii("HTTP/1.1 200 OK\r\nX-Big: " + "y".repeat(9000)
                + "\r\nContent-Length: 0\r\n\r\n")));

        assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_header_size");
    }

    @Test
    void brokenChunkSizeIsATransferCodingError() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nbad\r\n0\r\n\r\n")));

        assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_transfer_coding");
    }

    @Test
    void validChunkedGzipBodyIsCheckedAndCounted() throws Exception {
        byte[] gz = HttpFaults.gzip("hello, doctor");
        String size = Integer.toHexString(gz.length);
        byte[] response = concat("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"
                + "Connection: close\r\n\r\n" + size + "\r\n", concat("", gz));
        response = concat(new String(response, java.nio.charset.StandardCharsets.ISO_8859_1), ascii("\r\n0\r\n\r\n"));
        ProbeReport report = probe(HttpFaults.answer(response));

        assertThat(report.verdict()).isEqualTo(Verdict.OK);
        assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("framing", "chunked")
                .containsEntry("chunked", "valid").containsEntry("gzip", "valid (13 bytes decoded)")
                .containsEntry("bytes", (long) gz.length);
    }

    @Test
    void corruptGzipIsAContentCodingError() throws Exception {
        ProbeReport report = probe(HttpFaults.answer(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
                + "Content-Encoding: gzip\r\nConnection: close\r\n\r\nnot gzip!!")));

        assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_content_coding");
    }

    @Test
    void closedWithoutAnswerIsConnectionTerminated() throws Exception {
        ProbeReport report = probe(s -> RawServer.readRequestHead(s.getInputStream()));

        PhaseResult processing = report.problem().orElseThrow();
        assertThat(processing.errorType()).isEqualTo("connection_terminated");
        assertThat(processing.summary()).contains("without answering");
    }

    @Test
    void silentUpstreamIsAResponseTimeoutAfterTheResponseTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(1200);
        try (RawServer server = RawServer.start(HttpFaults.silent())) {
            ProbeReport report = UpstreamProbe.builder(server.url("http")).responseTimeout(timeout).build().run();

            PhaseResult processing = report.problem().orElseThrow();
            assertThat(processing.errorType()).isEqualTo("http_response_timeout");
            assertNear("no response (silent upstream)", processing.elapsed().toMillis(), timeout);
        }
    }

    @Test
    void timeToFirstByteIsMeasured() throws Exception {
        Duration delay = Duration.ofMillis(700);
        ProbeReport report = probe(HttpFaults.slowFirstByte(delay));

        assertThat(report.verdict()).isEqualTo(Verdict.OK);
        assertNear("time to first byte", ((Number) report.phase(ProbePhase.PROCESSING).facts().get("ttfbMs"))
                .longValue(), delay);
    }

    @Test
    void theBudgetBoundsTheWholeProbe() throws Exception {
        Duration budget = Duration.ofMillis(900);
        try (RawServer server = RawServer.start(HttpFaults.silent())) {
            ProbeReport report = UpstreamProbe.builder(server.url("http")).budget(budget)
                    .responseTimeout(Duration.ofSeconds(30)).build().run();

            assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_timeout");
            assertNear("whole probe bounded by its budget", report.elapsed().toMillis(), budget);
        }
    }

    @Test
    void headRequestReadsNoBody() throws Exception {
        try (RawServer server = RawServer.start(s -> {
            String head = RawServer.readRequestHead(s.getInputStream());
            RawServer.write(s, head.startsWith("HEAD /x HTTP/1.1\r\n") && head.contains("\r\nX-Probe: 1\r\n")
                    ? "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n"
                    : "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        })) {
            ProbeReport report = UpstreamProbe.builder(server.url("http")).head(true).path("/x")
                    .header("X-Probe", "1").build().run();

            assertThat(report.method()).isEqualTo("HEAD");
            assertThat(report.verdict()).isEqualTo(Verdict.OK);
            assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("framing", "none")
                    .containsEntry("bytes", 0L);
        }
    }
}
