package dev.upstreamguard.doctor.probe;

import static dev.upstreamguard.doctor.testing.Measured.assertNear;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Processing and transfer outcomes against the fault kit's upstream, most of them answering exact bytes. */
class ProbeResponseTest {

    private static ProbeReport probe(Fault fault) {
        try (FaultyUpstream server = FaultyUpstream.start(fault)) {
            return UpstreamProbe.builder(server.baseUri() + "/health").idlePeriods(List.of())
                    .responseTimeout(Duration.ofSeconds(3)).build().run();
        }
    }

    /** Exactly {@code bytes} (ISO-8859-1 text) as the answer, then a FIN. */
    private static Fault answer(String bytes) {
        return Fault.raw(bytes, Fault.After.FIN);
    }

    @Test
    void serviceUnavailableIsAnUpstreamStatusFailureWithTheStatus() {
        ProbeReport report = probe(Fault.status(503, "down", "Connection", "close"));

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
    void notFoundDegradesAndPointsAtThePath() {
        ProbeReport report = probe(Fault.status(404, "", "Connection", "close"));

        assertThat(report.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(report.problem().orElseThrow().reason()).isEqualTo("client_status");
    }

    @Test
    void bodyShorterThanContentLengthIsIncomplete() {
        ProbeReport report = probe(Fault.truncatedBody(100, "only forty bytes of the hundred promised."));

        PhaseResult transfer = report.problem().orElseThrow();
        assertThat(transfer.phase()).isEqualTo(ProbePhase.TRANSFER);
        assertThat(transfer.errorType()).isEqualTo("http_response_incomplete");
        assertThat(transfer.summary()).isEqualTo("the body ended after 41 of 100 bytes (Content-Length)");
        assertThat(transfer.hop()).isEqualTo(Hop.UPSTREAM);
    }

    @Test
    void garbageInsteadOfHttpIsAProtocolErrorShowingTheFirstBytesEscaped() {
        ProbeReport report = probe(Fault.raw(new byte[] {'S', 'S', 'H', '-', '2', 0x1b, '[', '2', 'J', 0}, 1,
                Fault.After.FIN));

        PhaseResult processing = report.problem().orElseThrow();
        assertThat(processing.errorType()).isEqualTo("http_protocol_error");
        assertThat(processing.summary()).isEqualTo("the answer is not HTTP: it starts with 'SSH-2\\x1b[2J\\x00'");
        assertThat(report.phase(ProbePhase.TRANSFER).skipped()).isTrue();
    }

    @Test
    void statusOutsideTheValidRangeIsAProtocolErrorNotAnUpstreamStatus() {
        ProbeReport report = probe(Fault.invalidStatusLine("HTTP/1.1 999 Nope"));

        PhaseResult processing = report.problem().orElseThrow();
        assertThat(processing.errorType()).isEqualTo("http_protocol_error");
        assertThat(processing.summary()).isEqualTo("status 999 is outside 100..599");
    }

    @Test
    void hostileHeaderValuesLoseTheirControlCharacters() {
        ProbeReport report = probe(answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                + "Connection: clo\u0007se\u001b[2J\r\nKeep-Alive: " + "x".repeat(500) + "\r\n\r\n"));

        assertThat(report.phase(ProbePhase.PROCESSING).facts().get("connection")).isEqualTo("clo?se?[2J");
        assertThat((String) report.phase(ProbePhase.PROCESSING).facts().get("keepAlive")).hasSize(103);
    }

    @Test
    void headerLineOverEightKilobytesIsAHeaderSizeError() {
        ProbeReport report = probe(Fault.oversizedHeaderLine(9000));

        assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_header_size");
    }

    @Test
    void brokenChunkSizeIsATransferCodingError() {
        ProbeReport report = probe(Fault.brokenChunked()); // chunk "hello", then the chunk-size line "zz"

        assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_transfer_coding");
    }

    @Test
    void validChunkedGzipBodyIsCheckedAndCounted() {
        byte[] gz = gzip("hello, doctor");
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"
                + "Connection: close\r\n\r\n" + Integer.toHexString(gz.length) + "\r\n"));
        response.writeBytes(gz);
        response.writeBytes(ascii("\r\n0\r\n\r\n"));
        ProbeReport report = probe(Fault.raw(response.toByteArray(), 1, Fault.After.FIN));

        assertThat(report.verdict()).isEqualTo(Verdict.OK);
        assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("framing", "chunked")
                .containsEntry("chunked", "valid").containsEntry("gzip", "valid (13 bytes decoded)")
                .containsEntry("bytes", (long) gz.length);
    }

    @Test
    void corruptGzipIsAContentCodingError() {
        ProbeReport report = probe(Fault.badGzip());

        assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_content_coding");
    }

    @Test
    void closedWithoutAnswerIsConnectionTerminated() {
        ProbeReport report = probe(Fault.closeAfterRequest());

        PhaseResult processing = report.problem().orElseThrow();
        assertThat(processing.errorType()).isEqualTo("connection_terminated");
        assertThat(processing.summary()).contains("without answering");
    }

    @Test
    void silentUpstreamIsAResponseTimeoutAfterTheResponseTimeout() {
        Duration timeout = Duration.ofMillis(1200);
        try (FaultyUpstream server = FaultyUpstream.start(Fault.blackhole())) {
            ProbeReport report = UpstreamProbe.builder(server.baseUri()).responseTimeout(timeout).build().run();

            PhaseResult processing = report.problem().orElseThrow();
            assertThat(processing.errorType()).isEqualTo("http_response_timeout");
            assertNear("no response (silent upstream)", processing.elapsed().toMillis(), timeout);
        }
    }

    @Test
    void timeToFirstByteIsMeasured() {
        Duration delay = Duration.ofMillis(700);
        ProbeReport report = probe(Fault.slowHeaders(delay));

        assertThat(report.verdict()).isEqualTo(Verdict.OK);
        assertNear("time to first byte", ((Number) report.phase(ProbePhase.PROCESSING).facts().get("ttfbMs"))
                .longValue(), delay);
    }

    @Test
    void theBudgetBoundsTheWholeProbe() {
        Duration budget = Duration.ofMillis(900);
        try (FaultyUpstream server = FaultyUpstream.start(Fault.blackhole())) {
            ProbeReport report = UpstreamProbe.builder(server.baseUri()).budget(budget)
                    .responseTimeout(Duration.ofSeconds(30)).build().run();

            assertThat(report.problem().orElseThrow().errorType()).isEqualTo("http_response_timeout");
            assertNear("whole probe bounded by its budget", report.elapsed().toMillis(), budget);
        }
    }

    @Test
    void headRequestReadsNoBody() {
        // A HEAD answer declares the Content-Length of the GET body it leaves out: 1234 bytes that never come.
        try (FaultyUpstream server = FaultyUpstream.start(
                Fault.status(200, "x".repeat(1234), "Connection", "close"))) {
            ProbeReport report = UpstreamProbe.builder(server.baseUri()).head(true).path("/x")
                    .header("X-Probe", "1").build().run();

            RecordedRequest request = server.takeRequest(Duration.ofSeconds(1));
            assertThat(request.method()).isEqualTo("HEAD");
            assertThat(request.path()).isEqualTo("/x");
            assertThat(request.version()).isEqualTo("HTTP/1.1");
            assertThat(request.header("X-Probe")).isEqualTo("1");
            assertThat(report.method()).isEqualTo("HEAD");
            assertThat(report.verdict()).isEqualTo(Verdict.OK);
            assertThat(report.phase(ProbePhase.TRANSFER).facts()).containsEntry("framing", "none")
                    .containsEntry("bytes", 0L);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(ascii(text));
        } catch (IOException e) {
            throw new IllegalStateException("gzip in memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
