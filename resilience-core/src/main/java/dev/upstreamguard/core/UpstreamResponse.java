package dev.upstreamguard.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;

/**
 * A complete, validated upstream response: status, headers and the whole body, read within the deadline.
 * Immutable (the body array is not copied: do not modify it).
 */
public final class UpstreamResponse {
    private final int status;
    private final List<Header> headers;
    private final byte[] body;
    private final int attempts;

    /**
     * @param status   the HTTP status
     * @param headers  the response headers
     * @param body     the body, empty when there was none
     * @param attempts how many attempts it took (1 when the first succeeded)
     */
    public UpstreamResponse(int status, Header[] headers, byte[] body, int attempts) {
        this.status = status;
        this.headers = List.of(Objects.requireNonNull(headers, "headers"));
        this.body = Objects.requireNonNull(body, "body");
        this.attempts = attempts;
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** All headers, in the order received. */
    public List<Header> headers() {
        return headers;
    }

    /** The first value of header {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The {@code Content-Type} header, or {@code null}. */
    public String contentType() {
        return header("Content-Type");
    }

    /** The body bytes (not a copy). */
    public byte[] body() {
        return body;
    }

    /** The body decoded with the charset of the content type, UTF-8 when none is given. */
    public String bodyAsString() {
        Charset charset = StandardCharsets.UTF_8;
        String ct = contentType();
        if (ct != null) {
            try {
                Charset declared = ContentType.parse(ct).getCharset();
                if (declared != null) {
                    charset = declared;
                }
            } catch (RuntimeException malformedOrUnsupported) {
                // fall back to UTF-8
            }
        }
        return new String(body, charset);
    }

    /** Attempts it took, 1 when the first succeeded. */
    public int attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "UpstreamResponse[status=" + status + ", bodyBytes=" + body.length + ", attempts=" + attempts
                + ", headers=" + Arrays.toString(headers.toArray()) + "]";
    }
}
