package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processing and transfer phases of one request on the probe's connection: time to first byte, status line
 * and headers, then the body by its framing. Used again by the keep-alive phase to reuse the connection.
 */
final class ExchangeStep {
    /** The request the probe sends: GET or HEAD, a path, and extra headers (already validated). */
    record Request(String method, String path, String host, List<String[]> headers) {
        byte[] bytes() {
            StringBuilder b = new StringBuilder(256);
            b.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            b.append("Host: ").append(host).append("\r\n");
            b.append("User-Agent: upstream-guard-doctor\r\n");
            b.append("Accept: */*\r\n");
            b.append("Accept-Encoding: gzip\r\n");
            for (String[] h : headers) {
                b.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The two phases, whether the connection may be reused, the advertised keep-alive timeout, and whether any
     * response byte arrived (a reused connection that fails before one is the stale keep-alive race).
     */
    record Outcome(PhaseResult processing, PhaseResult transfer, boolean reusable, Long keepAliveTimeout,
            boolean responseStarted, long endNanos) {
        boolean ok() {
            return processing.verdict() != Verdict.FAILED && transfer.verdict() != Verdict.FAILED;
        }

        Outcome started() {
            return new Outcome(processing, transfer, reusable, keepAliveTimeout, true, endNanos);
        }
    }

    private ExchangeStep() {
    }

    static Outcome run(ProbeConnection c, Request request, Duration responseTimeout) {
        Map<String, Object> facts = new LinkedHashMap<>();
        long start = System.nanoTime();
        ResponseHead head;
        long ttfb;
        try {
            c.readTimeout(responseTimeout);
            c.out.write(request.bytes());
            c.out.flush();
            long sent = System.nanoTime();
            int first = c.in.read();
            ttfb = System.nanoTime() - sent;
            if (first < 0) {
                return failedBeforeResponse(start, facts, FailureKind.CONNECTION_TERMINATED,
                        "the upstream closed the connection without answering (FIN)");
            }
            head = ResponseHead.read(first, c.in);
            while (head.status >= 100 && head.status < 200) { // interim answers (100 Continue, 103 Early Hints)
                head = ResponseHead.read(c.in.read(), c.in);
            }
        } catch (Malformed e) {
            return failedBeforeResponse(start, facts, e.kind, e.getMessage()).started();
        } catch (SocketTimeoutException e) {
            return failedBeforeResponse(start, facts, FailureKind.HTTP_RESPONSE_TIMEOUT, "no response within "
                    + Words.duration(Budget.since(start)));
        } catch (IOException e) {
            return failedBeforeResponse(start, facts, FailureKind.CONNECTION_TERMINATED, "the connection broke "
                    + "before a response: " + Words.safe(e.getMessage(), 80));
        }
        Duration processing = Duration.ofNanos(ttfb);
        PhaseResult processingResult = processing(head, request, processing, facts);
        String framing = BodyReader.framing(head, request.method().equals("HEAD"));
        long bodyStart = System.nanoTime();
        long[] counter = {0};
        Map<String, Object> tf = new LinkedHashMap<>();
        tf.put("framing", framing);
        try {
            BodyReader.Body body = BodyReader.read(c.in, head, framing, counter);
            long end = System.nanoTime(); // the idle time of the keep-alive phase counts from here
            Duration took = Duration.ofNanos(end - bodyStart);
            tf.put("bytes", body.bytes());
            tf.put("contentLength", body.declared());
            tf.put("chunked", framing.equals("chunked") ? "valid" : null);
            tf.put("gzip", body.gzip());
            tf.put("transferMs", took.toMillis());
            String summary = body.bytes() + " bytes" + (body.declared() != null ? " of " + body.declared()
                    + " declared" : "") + ", " + framing + (body.gzip() != null ? ", gzip " + body.gzip() : "")
                    + " in " + Words.duration(took);
            boolean reusable = !framing.equals("close") && (head.version.equals("1.1")
                    ? !head.hasToken("Connection", "close") : head.hasToken("Connection", "keep-alive"));
            return new Outcome(processingResult, PhaseResult.ok(ProbePhase.TRANSFER, took, summary, tf), reusable,
                    head.keepAliveParameter("timeout"), true, end);
        } catch (Malformed e) {
            return transferFailed(processingResult, bodyStart, tf, counter[0], e.kind, e.getMessage());
        } catch (SocketTimeoutException e) {
            return transferFailed(processingResult, bodyStart, tf, counter[0], FailureKind.HTTP_RESPONSE_TIMEOUT,
                    "the body stalled after " + counter[0] + " bytes");
        } catch (IOException e) {
            return transferFailed(processingResult, bodyStart, tf, counter[0], FailureKind.HTTP_RESPONSE_INCOMPLETE,
                    "the connection broke after " + counter[0] + " body bytes: " + Words.safe(e.getMessage(), 60));
        }
    }

    private static PhaseResult processing(ResponseHead head, Request request, Duration ttfb,
            Map<String, Object> facts) {
        facts.put("status", head.status);
        facts.put("httpVersion", "HTTP/" + head.version);
        facts.put("ttfbMs", ttfb.toMillis());
        facts.put("connection", Words.safe(head.header("Connection"), 100));
        facts.put("keepAlive", Words.safe(head.header("Keep-Alive"), 100));
        facts.put("contentLength", Words.safe(head.header("Content-Length"), 30));
        facts.put("transferEncoding", Words.safe(head.header("Transfer-Encoding"), 60));
        facts.put("contentEncoding", Words.safe(head.header("Content-Encoding"), 60));
        String summary = head.status + " HTTP/" + head.version + ", first byte after " + Words.duration(ttfb);
        if (head.status >= 500) {
            return PhaseResult.problem(ProbePhase.PROCESSING, Verdict.FAILED, ttfb, summary, facts,
                    FailureKind.UPSTREAM_STATUS, Hop.UPSTREAM, "the upstream itself answered " + head.status
                    + ": read its logs for " + request.method() + " " + Words.safe(request.path(), 60) + ".");
        }
        if (head.status >= 400) {
            return PhaseResult.problem(ProbePhase.PROCESSING, Verdict.DEGRADED, ttfb, summary, facts, null,
                    Hop.UPSTREAM, "probe a path the upstream serves (--path) with the headers it needs: it "
                    + "answered " + head.status + ".");
        }
        return PhaseResult.ok(ProbePhase.PROCESSING, ttfb, summary, facts);
    }

    private static Outcome failedBeforeResponse(long start, Map<String, Object> facts, FailureKind kind,
            String summary) {
        Duration took = Budget.since(start);
        String fix = switch (kind) {
            case HTTP_RESPONSE_TIMEOUT -> "the upstream accepted the connection but did not answer in time: look "
                    + "for slow or stuck requests there, or give this call a longer attempt timeout.";
            case HTTP_RESPONSE_INCOMPLETE -> "the upstream closed the connection in the middle of the response "
                    + "head: look for crashes in its logs.";
            case CONNECTION_TERMINATED -> "the upstream dropped the request: look for crashes or connection "
                    + "limits in its logs.";
            default -> "the upstream does not speak valid HTTP/1.1 on this port: check what listens there.";
        };
        PhaseResult p = PhaseResult.problem(ProbePhase.PROCESSING, Verdict.FAILED, took, summary, facts, kind,
                Hop.UPSTREAM, fix);
        return new Outcome(p, PhaseResult.skipped(ProbePhase.TRANSFER, "no response"), false, null, false,
                System.nanoTime());
    }

    private static Outcome transferFailed(PhaseResult processing, long bodyStart, Map<String, Object> tf,
            long bytes, FailureKind kind, String summary) {
        Duration took = Budget.since(bodyStart);
        tf.put("bytes", bytes);
        tf.put("transferMs", took.toMillis());
        String fix = switch (kind) {
            case HTTP_RESPONSE_TIMEOUT -> "the upstream stopped sending the body: look for stalls in it or in a "
                    + "proxy buffering it.";
            case HTTP_RESPONSE_TRANSFER_CODING -> "fix the upstream's chunked encoding (a proxy or framework "
                    + "writing the body twice or by hand).";
            case HTTP_RESPONSE_CONTENT_CODING -> "fix the upstream's gzip output (double compression or a "
                    + "truncated stream).";
            case HTTP_PROTOCOL_ERROR -> "fix the upstream's response headers: they frame the body wrongly.";
            default -> "the upstream closed the connection mid-body: look for crashes, timeouts or size limits "
                    + "in its logs.";
        };
        return new Outcome(processing, PhaseResult.problem(ProbePhase.TRANSFER, Verdict.FAILED, took, summary, tf,
                kind, Hop.UPSTREAM, fix), false, null, true, System.nanoTime());
    }

    static boolean isReset(IOException e) {
        return e instanceof SocketException && e.getMessage() != null && e.getMessage().contains("reset");
    }
}
