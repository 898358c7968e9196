package dev.upstreamguard.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;

/**
 * A response whose status and headers were validated and whose body is still arriving: what
 * {@link Upstream#stream(org.apache.hc.core5.http.ClassicHttpRequest)} returns. Close it (try-with-resources)
 * whether or not the body was read.
 *
 * <p>{@link #body()} is read as it arrives. Its {@code read()} throws an {@link UpstreamException} when the
 * upstream breaks the body (shorter than declared, chunked without its last chunk, reset or closed mid-body:
 * {@code http_response_incomplete} or {@code http_response_transfer_coding}), when no byte arrives for the policy's
 * stall timeout, or when the request deadline passes ({@code http_response_timeout}); it never reports a broken
 * body as a clean end of stream. Nothing is retried once this response is returned. Closing it before the end
 * closes the connection (no draining); after the end the connection went back to the pool. A body dropped unclosed
 * before its end holds its connection until the garbage collector finds it; then the connection is closed and a
 * warning logged.
 */
public final class StreamedResponse implements Closeable {
    private final int status;
    private final Header[] headers;
    private final InputStream body;
    private final int attempts;
    private final ClassicHttpResponse response;

    StreamedResponse(int status, Header[] headers, InputStream body, int attempts, ClassicHttpResponse response) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.attempts = attempts;
        this.response = response;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** All header fields, in the order received. */
    public List<Header> headers() {
        return List.of(headers);
    }

    /** The first value of header {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        Objects.requireNonNull(name, "name");
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The Content-Type header, or {@code null}. */
    public String contentType() {
        return header("Content-Type");
    }

    /** The declared body length (Content-Length), or -1 when not declared. */
    public long contentLength() {
        String value = header("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The body, as it arrives; the same stream on every call. */
    public InputStream body() {
        return body;
    }

    /** Attempts made until the head arrived (1 when the first one answered). */
    public int attempts() {
        return attempts;
    }

    /** Releases the connection: back to the pool when the body was read to its end, else closed. */
    @Override
    public void close() throws IOException {
        try {
            body.close();
        } finally {
            response.close();
        }
    }

    @Override
    public String toString() {
        return "StreamedResponse[status=" + status + ", attempts=" + attempts + "]";
    }
}
