package dev.upstreamguard.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request as a {@link FaultyUpstream} read it: request line, headers and the de-chunked body.
 * Immutable; header names are looked up case-insensitively.
 */
public final class RecordedRequest {
    private final String method;
    private final String path;
    private final String version;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final int connectionNumber;
    private final int sequenceOnConnection;

    RecordedRequest(String method, String path, String version, List<String[]> headerFields, byte[] body,
            int connectionNumber, int sequenceOnConnection) {
        this.method = method;
        this.path = path;
        this.version = version;
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String[] field : headerFields) {
            map.computeIfAbsent(field[0], k -> new ArrayList<>()).add(field[1]);
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(map);
        this.body = body.clone();
        this.connectionNumber = connectionNumber;
        this.sequenceOnConnection = sequenceOnConnection;
    }

    /** The request method, for example {@code GET}. */
    public String method() {
        return method;
    }

    /** The request target as sent, path and query, for example {@code /users/42?full=true}. */
    public String path() {
        return path;
    }

    /** The protocol version of the request line, for example {@code HTTP/1.1}. */
    public String version() {
        return version;
    }

    /**
     * All header fields, by name; the map's lookups ignore case ({@code headers().get("content-type")} works).
     * Values of repeated fields keep their order.
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of header {@code name} (any case), or {@code null} if the request had none. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    /** The body bytes (de-chunked if the request was chunked); empty if there was no body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyUtf8() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Which accepted connection carried this request: 1 for the server's first connection, then 2, 3... */
    public int connectionNumber() {
        return connectionNumber;
    }

    /** Position of this request on its connection: 0 for the first, 1 for the first reuse (keep-alive)... */
    public int sequenceOnConnection() {
        return sequenceOnConnection;
    }

    /** Whether the request came on a kept-alive connection that had carried a request before. */
    public boolean onReusedConnection() {
        return sequenceOnConnection > 0;
    }

    /** The {@code X-Request-ID} header (core's default correlation header), or {@code null}. */
    public String correlationId() {
        return header("X-Request-ID");
    }

    /** The W3C {@code traceparent} header, or {@code null}. */
    public String traceparent() {
        return header("traceparent");
    }

    /**
     * The remaining deadline in milliseconds from core's default deadline header {@code X-Request-Timeout-Ms}, or
     * -1 when absent or not a number.
     */
    public long deadlineMillis() {
        String v = header("X-Request-Timeout-Ms");
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether the client asked to close the connection after this exchange ({@code Connection: close}, HTTP/1.0). */
    boolean wantsClose() {
        List<String> connection = headers.getOrDefault("Connection", List.of());
        boolean close = connection.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("close"));
        boolean keepAlive = connection.stream()
                .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("keep-alive"));
        return close || ("HTTP/1.0".equals(version) && !keepAlive);
    }

    @Override
    public String toString() {
        return method + " " + path + " " + version + " (connection " + connectionNumber + ", #"
                + sequenceOnConnection + ", " + body.length + " body bytes)";
    }
}
