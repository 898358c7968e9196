package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A response's status line and headers, read with limits (one line 8 KiB, 100 headers, the head 64 KiB). */
final class ResponseHead {
    static final int MAX_LINE = 8 * 1024;
    static final int MAX_HEADERS = 100;
    static final int MAX_HEAD = 64 * 1024;
    private static final Pattern STATUS = Pattern.compile("HTTP/(\\d\\.\\d) (\\d{3})(?: (.*))?");

    final String version;
    final int status;
    final List<String[]> headers;

    private ResponseHead(String version, int status, List<String[]> headers) {
        this.version = version;
        this.status = status;
        this.headers = headers;
    }

    /** Reads a head whose first byte, {@code first}, was already read. */
    static ResponseHead read(int first, InputStream in) throws IOException {
        byte[] prefix = new byte[5];
        prefix[0] = (byte) first;
        int n = 1;
        while (n < 5) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            prefix[n++] = (byte) c;
        }
        if (n < 5 || !new String(prefix, 0, 5, StandardCharsets.ISO_8859_1).equals("HTTP/")) {
            byte[] shown = new byte[32];
            System.arraycopy(prefix, 0, shown, 0, n);
            int more = Math.min(in.available(), shown.length - n);
            int got = more > 0 ? in.read(shown, n, more) : 0;
            throw new Malformed(FailureKind.HTTP_PROTOCOL_ERROR, "the answer is not HTTP: it starts with '"
                    + Words.bytes(shown, n + Math.max(0, got), 32) + "'");
        }
        String line = "HTTP/" + readLine(in);
        Matcher m = STATUS.matcher(line);
        if (!m.matches()) {
            throw new Malformed(FailureKind.HTTP_PROTOCOL_ERROR, "malformed status line '"
                    + Words.safe(line, 60) + "'");
        }
        int status = Integer.parseInt(m.group(2));
        if (status < 100 || status > 599) {
            throw new Malformed(FailureKind.HTTP_PROTOCOL_ERROR, "status " + status + " is outside 100..599");
        }
        List<String[]> headers = new ArrayList<>();
        int size = line.length();
        while (true) {
            String h = readLine(in);
            if (h.isEmpty()) {
                break;
            }
            size += h.length();
            if (headers.size() >= MAX_HEADERS || size > MAX_HEAD) {
                throw new Malformed(FailureKind.HTTP_RESPONSE_HEADER_SECTION_SIZE, "the response head is over "
                        + MAX_HEADERS + " headers or " + MAX_HEAD / 1024 + " KiB");
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
                throw new Malformed(FailureKind.HTTP_PROTOCOL_ERROR, "malformed header line '"
                        + Words.safe(h, 60) + "'");
            }
            headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
        }
        return new ResponseHead(m.group(1), status, headers);
    }

    /** One line without its CRLF (a bare LF is accepted); EOF inside the head is an error. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new Malformed(FailureKind.HTTP_RESPONSE_INCOMPLETE, "the connection closed inside the "
                        + "response head");
            }
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new Malformed(FailureKind.HTTP_RESPONSE_HEADER_SIZE, "a response head line is over "
                        + MAX_LINE / 1024 + " KiB");
            }
            line.write(c);
        }
    }

    /** The first value of header {@code name}, or {@code null}. */
    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** Whether the comma-separated header {@code name} has the token {@code token} (case-insensitive). */
    boolean hasToken(String name, String token) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                for (String t : h[1].split(",")) {
                    if (t.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The {@code timeout=} (or {@code max=}) parameter of {@code Keep-Alive}, or {@code null}. */
    Long keepAliveParameter(String parameter) {
        String value = header("Keep-Alive");
        if (value == null) {
            return null;
        }
        for (String part : value.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().toLowerCase(Locale.ROOT).equals(parameter)) {
                try {
                    return Long.parseLong(kv[1].trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
