package dev.upstreamguard.test;

import static dev.upstreamguard.test.FaultArguments.positive;
import static dev.upstreamguard.test.FaultArguments.shorter;
import static dev.upstreamguard.test.FaultScript.flatten;
import static dev.upstreamguard.test.FaultScript.plain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a {@link FaultyUpstream} does with a connection or request: answer properly, or break the exchange in one
 * precise way. Immutable; create with the static factories. Unless a fault says otherwise, the server first reads
 * the whole request (request line, headers, body), records it, then acts.
 *
 * <p>Faults that answer completely ({@link #ok}, {@link #status}, {@link #slowHeaders}, {@link #trickle},
 * {@link #badGzip}) keep the connection open for the next request (keep-alive) unless the client sent
 * {@code Connection: close}; all other faults end the connection as their Javadoc says. Connection faults
 * ({@link #acceptThenClose()}, {@link #tlsHandshakeFailureAlert()}, {@link #tlsHandshakeNeverCompletes()}) act
 * when a connection is accepted, before any request, so they apply to every request only, never to one path.
 */
public final class Fault {
    static final String TEXT = "text/plain; charset=utf-8";

    /** How a connection is closed. */
    public enum Close {
        /** An orderly close: the peer reads end of stream. */
        FIN,
        /** An abortive close ({@code SO_LINGER} 0): the peer reads "connection reset". */
        RST
    }

    /** What the server does with the connection after a {@link #raw} answer. */
    public enum After {
        /** Wait for the next request on the same connection. */
        KEEP_ALIVE,
        /** Close with a FIN. */
        FIN,
        /** Close with a RST. */
        RST,
        /** Say nothing more and keep the connection open until the client or the server closes it. */
        STALL
    }

    /** When the server closes a kept-alive connection that the client reuses (see {@link #closeOnReuse}). */
    public enum Reuse {
        /** FIN as soon as the reuse's first byte arrives, without reading the request. */
        FIN_BEFORE_REQUEST,
        /** RST as soon as the reuse's first byte arrives, without reading the request. */
        RST_BEFORE_REQUEST,
        /** Reads (and records) the whole request, then FIN without an answer. */
        FIN_AFTER_REQUEST,
        /** Reads (and records) the whole request, then RST without an answer. */
        RST_AFTER_REQUEST
    }

    enum Kind {
        STATUS, ACCEPT_THEN_CLOSE, CLOSE_AFTER_REQUEST, RESET_AFTER_REQUEST, RESET_MID_BODY, BLACKHOLE, SLOW_HEADERS,
        TRICKLE, TRUNCATED_BODY, BROKEN_CHUNKED, TRUNCATED_CHUNKED, GARBAGE, INVALID_STATUS_LINE, OVERSIZED_HEADERS,
        OVERSIZED_HEADER_LINE, BAD_GZIP, CLOSE_AFTER_RESPONSE, CLOSE_ON_REUSE, IDLE_CLOSE, RAW, DYNAMIC,
        TLS_ALERT, TLS_STALL, SEQUENCE, CYCLE, RANDOM, STREAMED_BODY;

        boolean onConnection() {
            return this == ACCEPT_THEN_CLOSE || this == TLS_ALERT || this == TLS_STALL;
        }
    }

    final Kind kind;
    final int code;
    /** Extra response header fields, as name, value, name, value... */
    final List<String> headers;
    final byte[] body;
    final Duration delay;
    final int size;
    final List<Fault> steps;
    /** The status line sent by {@link #invalidStatusLine(String)}. */
    final String statusLine;
    /** Bytes written per interval by {@link #trickle(String, int, Duration)}; pieces of a {@link #raw} answer. */
    final int chunk;
    final Close close;
    final Reuse reuse;
    final After after;
    /** The advertised {@code Keep-Alive: timeout}, or null. */
    final Duration advertised;
    final Function<RecordedRequest, Fault> dynamic;
    final double probability;
    final long seed;
    /** {@link Kind#STREAMED_BODY}: the body bytes sent (the declared length is {@link #size}, -1 for chunked). */
    final long streamed;

    Fault(FaultBuilder b) {
        this.kind = b.kind;
        this.code = b.code;
        this.headers = b.headers;
        this.body = b.body;
        this.delay = b.delay;
        this.size = b.size;
        this.steps = b.steps;
        this.statusLine = b.statusLine;
        this.chunk = b.chunk;
        this.close = b.close;
        this.reuse = b.reuse;
        this.after = b.after;
        this.advertised = b.advertised;
        this.dynamic = b.dynamic;
        this.probability = b.probability;
        this.seed = b.seed;
        this.streamed = b.streamed;
    }

    /** A healthy answer: 200 with {@code body} as UTF-8 {@code text/plain} and a Content-Length; keep-alive. */
    public static Fault ok(String body) {
        return ok(TEXT, body);
    }

    /** A healthy answer: 200 with {@code body} (UTF-8) of the given content type and a Content-Length; keep-alive. */
    public static Fault ok(String contentType, String body) {
        return status(200, body, "Content-Type", Objects.requireNonNull(contentType, "contentType"));
    }

    /**
     * A complete answer with status {@code code} (200..599), {@code body} (UTF-8, {@code text/plain} unless a
     * Content-Type is given) and a Content-Length, plus extra header fields given as name, value pairs, for example
     * {@code status(503, "busy", "Retry-After", "2")}. Keep-alive, unless the pairs include {@code Connection: close}.
     */
    public static Fault status(int code, String body, String... headerNameValuePairs) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("code must be 200..599 (see invalidStatusLine()), but was " + code);
        }
        return new FaultBuilder(Kind.STATUS).code(code).headers(FaultArguments.headerPairs(headerNameValuePairs))
                .body(Objects.requireNonNull(body, "body")).build();
    }

    /**
     * Accepts the connection, reads nothing and closes it (FIN): the client sees end of stream before any response.
     * Applies to new connections; met on a kept-alive connection it acts like {@link #closeAfterRequest()}.
     */
    public static Fault acceptThenClose() {
        return of(Kind.ACCEPT_THEN_CLOSE);
    }

    /** Reads the request, then closes the connection (FIN) without answering ("empty response"). */
    public static Fault closeAfterRequest() {
        return of(Kind.CLOSE_AFTER_REQUEST);
    }

    /** Reads the request, then resets the connection (RST, via {@code SO_LINGER} 0) before any response header. */
    public static Fault resetAfterRequest() {
        return of(Kind.RESET_AFTER_REQUEST);
    }

    /**
     * Answers 200 declaring {@code Content-Length: declaredLength}, sends the first {@code sentBytes} bytes of the
     * body, then resets the connection (RST): a worker that crashed mid-response.
     */
    public static Fault resetMidBody(int declaredLength, int sentBytes) {
        if (sentBytes < 0 || declaredLength <= sentBytes) {
            throw new IllegalArgumentException("need 0 <= sentBytes < declaredLength, but were " + sentBytes + " and "
                    + declaredLength);
        }
        return new FaultBuilder(Kind.RESET_MID_BODY).size(declaredLength).chunk(sentBytes).build();
    }

    /**
     * The byte at {@code index} of every streamed body ({@link #streamedBody(int)} and the faults after it): a fixed
     * pattern, so that a client can check what it received byte for byte.
     */
    public static byte bodyByte(long index) {
        return (byte) (index * 31 + 7 + (index >>> 12));
    }

    /** Answers 200 with a {@code bytes}-long body ({@link #bodyByte}) and its Content-Length, fast; keep-alive. */
    public static Fault streamedBody(int bytes) {
        return streamed(bytes, bytes, 64 * 1024, null, After.KEEP_ALIVE);
    }

    /**
     * Answers 200 with a {@code chunks x chunkBytes} body ({@link #bodyByte}) and its Content-Length, one chunk of
     * bytes every {@code interval} (the first one at once): a slow but steady body. Keep-alive once complete.
     */
    public static Fault steadyBody(int chunks, int chunkBytes, Duration interval) {
        return streamed((long) chunks * chunkBytes, (long) chunks * chunkBytes, positive(chunkBytes, "chunkBytes"),
                positive(interval, "interval"), After.KEEP_ALIVE);
    }

    /** Declares {@code declared} bytes, sends the first {@code sent} of them ({@link #bodyByte}), then closes (FIN). */
    public static Fault truncatedMidBody(int declared, int sent) {
        return streamed(shorter(declared, sent), sent, 64 * 1024, null, After.FIN);
    }

    /** Declares {@code declared} bytes, sends the first {@code sent} of them, then holds the connection silently. */
    public static Fault stallMidBody(int declared, int sent) {
        return streamed(shorter(declared, sent), sent, 64 * 1024, null, After.STALL);
    }

    /** Declares {@code declared} bytes but sends {@code sent} (more), then keeps the connection open for more. */
    public static Fault overlongBody(int declared, int sent) {
        if (sent <= declared) {
            throw new IllegalArgumentException("sent must exceed the declared " + declared + " bytes, but was " + sent);
        }
        return streamed(declared, sent, 64 * 1024, null, After.KEEP_ALIVE);
    }

    /**
     * Answers 200 chunked with {@code bytes} of body ({@link #bodyByte}) in 8 KiB chunks; with {@code lastChunk} it
     * ends with the terminal zero-size chunk (keep-alive), without it it closes (FIN) after the data.
     */
    public static Fault chunkedBody(int bytes, boolean lastChunk) {
        return streamed(-1, bytes, 8 * 1024, null, lastChunk ? After.KEEP_ALIVE : After.FIN);
    }

    private static Fault streamed(long declared, long sent, int writeBytes, Duration interval, After end) {
        if (sent < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, but was " + sent);
        }
        return new FaultBuilder(Kind.STREAMED_BODY).code(200).delay(interval)
                .size((int) Math.min(declared, Integer.MAX_VALUE)).streamed(sent).chunk(writeBytes).after(end).build();
    }

    /** Reads the request and never answers; holds the connection open until the client or {@code close()} ends it. */
    public static Fault blackhole() {
        return of(Kind.BLACKHOLE);
    }

    /** Waits {@code delay} (cut short by {@code close()}), then answers 200 {@code "ok"}; keep-alive. */
    public static Fault slowHeaders(Duration delay) {
        return new FaultBuilder(Kind.SLOW_HEADERS).code(200).body("ok").delay(positive(delay, "delay")).build();
    }

    /**
     * Sends status line and headers at once with the full Content-Length of {@code body}, then the body one byte per
     * {@code perByte} (waiting before each byte, cut short by {@code close()}); keep-alive once complete.
     */
    public static Fault trickle(String body, Duration perByte) {
        return trickle(body, 1, perByte);
    }

    /**
     * Like {@link #trickle(String, Duration)}, sending {@code bytesPerInterval} bytes after each {@code interval}:
     * an upstream that never trips a per-read socket timeout but never finishes in time either.
     */
    public static Fault trickle(String body, int bytesPerInterval, Duration interval) {
        return new FaultBuilder(Kind.TRICKLE).code(200).body(Objects.requireNonNull(body, "body"))
                .chunk(positive(bytesPerInterval, "bytesPerInterval")).delay(positive(interval, "interval")).build();
    }

    /** Answers 200 declaring {@code Content-Length: declaredLength}, sends only {@code sentBody}, then closes (FIN). */
    public static Fault truncatedBody(int declaredLength, String sentBody) {
        Fault f = new FaultBuilder(Kind.TRUNCATED_BODY).body(Objects.requireNonNull(sentBody, "sentBody"))
                .size(declaredLength).build();
        if (declaredLength <= f.body.length) {
            throw new IllegalArgumentException("declaredLength must exceed the " + f.body.length
                    + " bytes sent, but was " + declaredLength);
        }
        return f;
    }

    /** Answers 200 chunked: a valid chunk {@code "hello"}, then the invalid chunk-size line {@code "zz"}; closes. */
    public static Fault brokenChunked() {
        return of(Kind.BROKEN_CHUNKED);
    }

    /** Answers 200 chunked: one chunk {@code "hello"}, then closes (FIN) without the terminal zero-size chunk. */
    public static Fault truncatedChunked() {
        return of(Kind.TRUNCATED_CHUNKED);
    }

    /**
     * Answers with bytes that are not HTTP (an SSH banner line, then 256 binary bytes), then closes. It is at most
     * three lines: HttpClient 5 skips up to {@code Http1Config.maxEmptyLineCount} (default 10) lines it cannot parse
     * as a status line, then meets the end of stream and reports {@code NoHttpResponseException}.
     */
    public static Fault garbage() {
        return of(Kind.GARBAGE);
    }

    /** Answers {@code "HTTP/1.1 abc Nope"} (non-numeric status code), a header section and body {@code "ok"}, closes. */
    public static Fault invalidStatusLine() {
        return invalidStatusLine("HTTP/1.1 abc Nope");
    }

    /**
     * Answers {@code statusLine} as given (without CRLF), then a valid header section and body {@code "ok"}, then
     * closes; for example {@code "HTTP/1.1 999 Nope"}, which HttpClient 5 accepts as a response with status 999.
     */
    public static Fault invalidStatusLine(String statusLine) {
        if (Objects.requireNonNull(statusLine, "statusLine").contains("\r") || statusLine.contains("\n")) {
            throw new IllegalArgumentException("statusLine must not contain CR or LF");
        }
        return new FaultBuilder(Kind.INVALID_STATUS_LINE).body("ok").statusLine(statusLine).build();
    }

    /**
     * Answers 200 with a header section larger than {@code bytes}, made of many short header lines (64 bytes each,
     * so it breaks a header-count limit, not a line-length limit), then closes.
     */
    public static Fault oversizedHeaders(int bytes) {
        return new FaultBuilder(Kind.OVERSIZED_HEADERS).code(200).body("ok").size(positive(bytes, "bytes")).build();
    }

    /** Answers 200 with a single header line longer than {@code bytes} (breaks a line-length limit), then closes. */
    public static Fault oversizedHeaderLine(int bytes) {
        return new FaultBuilder(Kind.OVERSIZED_HEADER_LINE).code(200).body("ok").size(positive(bytes, "bytes")).build();
    }

    /** Answers 200 with {@code Content-Encoding: gzip} and a Content-Length body that is not gzip; keep-alive. */
    public static Fault badGzip() {
        return new FaultBuilder(Kind.BAD_GZIP).code(200).body("this body is not gzip data").build();
    }

    /**
     * Answers 200 {@code body} advertising {@code Connection: keep-alive} and {@code Keep-Alive: timeout=60}, then
     * closes the connection (FIN) right after the response: a client that checks for staleness before reuse sees
     * the FIN; one that does not finds the connection dead.
     */
    public static Fault closeAfterResponse(String body) {
        return new FaultBuilder(Kind.CLOSE_AFTER_RESPONSE).code(200).body(Objects.requireNonNull(body, "body")).build();
    }

    /**
     * The stale keep-alive race made deterministic: answers 200 {@code body} with keep-alive, keeps the connection
     * open and idle, and closes it exactly when the client reuses it, as {@code how} says. The client's staleness
     * check before reuse always passes (nothing was sent yet), and its request always meets the close. A request on
     * a new connection is answered; only reuses are closed.
     */
    public static Fault closeOnReuse(String body, Reuse how) {
        return new FaultBuilder(Kind.CLOSE_ON_REUSE).code(200).body(Objects.requireNonNull(body, "body"))
                .reuse(Objects.requireNonNull(how, "how")).build();
    }

    /**
     * Answers 200 {@code "ok"} with keep-alive, then closes the connection as {@code how} says once it stayed idle
     * for {@code idle} (measured from the end of the response); no {@code Keep-Alive} header is sent.
     */
    public static Fault idleClose(Duration idle, Close how) {
        return new FaultBuilder(Kind.IDLE_CLOSE).code(200).body("ok").delay(positive(idle, "idle"))
                .close(Objects.requireNonNull(how, "how")).build();
    }

    /**
     * Like {@link #idleClose(Duration, Close)}, also advertising {@code Keep-Alive: timeout=<seconds>}, which may
     * differ from the real idle time (the kind of lie a keep-alive probe must catch).
     */
    public static Fault idleClose(Duration idle, Close how, Duration advertisedTimeout) {
        Duration advertised = Objects.requireNonNull(advertisedTimeout, "advertisedTimeout");
        if (advertised.isNegative() || advertised.toSeconds() * 1000 != advertised.toMillis()) {
            throw new IllegalArgumentException("advertisedTimeout must be whole seconds, but was " + advertised);
        }
        return new FaultBuilder(Kind.IDLE_CLOSE).code(200).body("ok").delay(positive(idle, "idle"))
                .close(Objects.requireNonNull(how, "how")).advertised(advertised).build();
    }

    /**
     * Writes exactly {@code bytes} as the answer, in {@code pieces} writes of about equal size (flushed one by one),
     * then does what {@code after} says: for fuzzing a client with arbitrary bytes.
     */
    public static Fault raw(byte[] bytes, int pieces, After after) {
        return new FaultBuilder(Kind.RAW).rawBody(Objects.requireNonNull(bytes, "bytes").clone())
                .chunk(positive(pieces, "pieces")).after(Objects.requireNonNull(after, "after")).build();
    }

    /** Writes exactly {@code bytes} (ISO-8859-1 text) in one write, then does what {@code after} says. */
    public static Fault raw(String bytes, After after) {
        return raw(Objects.requireNonNull(bytes, "bytes").getBytes(StandardCharsets.ISO_8859_1), 1, after);
    }

    /**
     * Chooses the fault for each request from the request itself (path, headers, body). The function must not
     * return a connection fault or a script; if it throws, the connection is closed (FIN) and the error counted in
     * {@link FaultyUpstream#answerErrors()}.
     */
    public static Fault dynamic(Function<RecordedRequest, Fault> chooser) {
        return new FaultBuilder(Kind.DYNAMIC).dynamic(Objects.requireNonNull(chooser, "chooser")).build();
    }

    /**
     * A TLS server's refusal: reads the ClientHello, answers a fatal {@code handshake_failure} alert record
     * ({@code 15 03 03 00 02 02 28}), then closes. Use an {@code https} URI ({@link FaultyUpstream#httpsBaseUri()}).
     */
    public static Fault tlsHandshakeFailureAlert() {
        return of(Kind.TLS_ALERT);
    }

    /** Accepts the connection, reads what the client sends (its ClientHello) and never answers. */
    public static Fault tlsHandshakeNeverCompletes() {
        return of(Kind.TLS_STALL);
    }

    /**
     * Applies {@code faults} in order, one per request (a connection fault is used by the next new connection
     * instead), the last one repeating forever; for example {@code sequence(resetAfterRequest(), ok("x"))}. The order
     * is shared by all connections; nested sequences are flattened.
     */
    public static Fault sequence(Fault... faults) {
        return new FaultBuilder(Kind.SEQUENCE).steps(flatten(faults)).build();
    }

    /** {@code failure} for the first {@code times} requests, then {@code then} forever ("fail twice, then succeed"). */
    public static Fault failTimesThen(int times, Fault failure, Fault then) {
        Fault[] steps = new Fault[positive(times, "times") + 1];
        java.util.Arrays.fill(steps, 0, times, Objects.requireNonNull(failure, "failure"));
        steps[times] = Objects.requireNonNull(then, "then");
        return sequence(steps);
    }

    /** Applies {@code faults} in a loop, one per request: {@code cycle(failure, ok)} fails every other call. */
    public static Fault cycle(Fault... faults) {
        return new FaultBuilder(Kind.CYCLE).steps(flatten(faults)).build();
    }

    /**
     * {@code failure} with probability {@code probability} and {@code otherwise} else, drawn from a
     * {@link java.util.Random} seeded with {@code seed}: the same seed gives the same series of outcomes.
     */
    public static Fault randomly(double probability, long seed, Fault failure, Fault otherwise) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be 0..1, but was " + probability);
        }
        return new FaultBuilder(Kind.RANDOM).steps(List.of(plain(failure), plain(otherwise))).probability(probability)
                .seed(seed).build();
    }

    private static Fault of(Kind kind) {
        return new FaultBuilder(kind).build();
    }

    @Override
    public String toString() {
        switch (kind) {
            case STATUS:
                return "status(" + code + ")";
            case INVALID_STATUS_LINE:
                return "invalidStatusLine(" + statusLine + ")";
            case SEQUENCE:
            case CYCLE:
                return kind.name().toLowerCase(Locale.ROOT) + steps;
            case RANDOM:
                return "randomly(" + probability + ", seed " + seed + ", " + steps + ")";
            case CLOSE_ON_REUSE:
                return "closeOnReuse(" + reuse + ")";
            case IDLE_CLOSE:
                return "idleClose(" + delay + ", " + close + ")";
            default:
                return kind.name().toLowerCase(Locale.ROOT)
                        + (delay != null ? "(" + delay + ")" : size > 0 ? "(" + size + ")" : "");
        }
    }
}
