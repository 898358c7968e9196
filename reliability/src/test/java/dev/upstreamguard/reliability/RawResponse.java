package dev.upstreamguard.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One HTTP/1.1 response as it came off the wire, already checked for framing by {@link RawHttpConnection}. */
final class RawResponse {
    private final String statusLine;
    private final int status;
    private final List<String[]> headers;
    private final String head;
    private final byte[] body;

    RawResponse(String statusLine, int status, List<String[]> headers, String head, byte[] body) {
        this.statusLine = statusLine;
        this.status = status;
        this.headers = List.copyOf(headers);
        this.head = head;
        this.body = body;
    }

    String statusLine() {
        return statusLine;
    }

    int status() {
        return status;
    }

    /** Header fields as name, value pairs, in order. */
    List<String[]> headers() {
        return headers;
    }

    /** The first value of {@code name} (any case), or null. */
    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** Every value of {@code name} (any case). */
    List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                values.add(h[1]);
            }
        }
        return values;
    }

    /** The media type of Content-Type, lower case without parameters, or null. */
    String mediaType() {
        String ct = header("Content-Type");
        if (ct == null) {
            return null;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Status line and header section as received (ISO-8859-1), CRLFs included. */
    String head() {
        return head;
    }

    byte[] body() {
        return body;
    }

    /** The body decoded leniently as UTF-8 (for messages and searches; strict decoding is a check of its own). */
    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String text = bodyText();
        return statusLine + " " + headers.size() + " headers, " + body.length + " body bytes: "
                + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }
}
