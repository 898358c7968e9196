package dev.upstreamguard.test.assertion;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an application answered, as a plain value that any HTTP client's response can be turned into: status, header
 * fields (names looked up case-insensitively) and the body as text. Immutable.
 *
 * <pre>{@code
 * Answer a = Answer.of(response.statusCode(), response.headers().map(), response.body());   // any client
 * Answer b = Answer.from(httpResponse);                                                       // java.net.http
 * }</pre>
 */
public final class Answer {
    private final int status;
    private final Map<String, List<String>> headers;
    private final String body;

    private Answer(int status, Map<String, List<String>> headers, String body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** An answer from its parts; {@code headers} may be {@code null} (none), {@code body} {@code null} (empty). */
    public static Answer of(int status, Map<String, ? extends List<String>> headers, String body) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name != null) { // HttpURLConnection reports the status line under a null name
                    copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
                }
            });
        }
        copy.replaceAll((n, v) -> List.copyOf(v));
        return new Answer(status, Collections.unmodifiableMap(copy), body == null ? "" : body);
    }

    /**
     * The answer in a {@code java.net.http} response whose body is a {@code String}, {@code byte[]} (read as UTF-8)
     * or absent.
     *
     * @throws IllegalArgumentException for another body type (read it as a String or bytes)
     */
    public static Answer from(HttpResponse<?> response) {
        Object b = Objects.requireNonNull(response, "response").body();
        String text;
        if (b == null) {
            text = "";
        } else if (b instanceof String s) {
            text = s;
        } else if (b instanceof byte[] bytes) {
            text = new String(bytes, StandardCharsets.UTF_8);
        } else {
            throw new IllegalArgumentException("the response body must be a String or byte[], but was a "
                    + b.getClass().getName());
        }
        return of(response.statusCode(), response.headers().map(), text);
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** All header fields by name (case-insensitive lookups). */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of header {@code name}, or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body text; empty when there was none. */
    public String body() {
        return body;
    }

    @Override
    public String toString() {
        return "Answer[" + status + ", Proxy-Status: " + header("Proxy-Status") + ", body: " + Excerpt.of(body) + "]";
    }
}
