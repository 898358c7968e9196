package dev.upstreamguard.reliability;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.Fault.After;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Seeded generator of upstream answers: case {@code i} of seed {@code s} is always the same bytes. A third are
 * random bytes or random text lines, a third are valid responses with one to four mutations (bit flips, inserted
 * CR/LF/NUL, deleted or duplicated ranges, truncation, numbers replaced by extreme ones, repeated header lines),
 * and a third are assembled from hostile parts (odd status lines and versions, interim 1xx responses,
 * conflicting or extreme Content-Length, broken chunked framing, bad gzip, redirect loops, oversized and malformed
 * header lines). Each also says what happens to the connection afterwards.
 */
final class FuzzCases {
    private static final List<String> VALID = List.of(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody delimited by the end of the connection",
            "HTTP/1.1 204 No Content\r\nX-Trace: abc\r\n\r\n",
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 4\r\n\r\nbusy",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "HTTP/1.1 302 Found\r\nLocation: /redirected\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n");
    private static final byte[] SPECIAL = {'\r', '\n', 0, ':', ' ', '\t', 0x7f, (byte) 0xff, '0', '9', ';', '"'};
    private static final String[] TOKENS = {"\r\n", "\r\n\r\n", "Content-Length: 5\r\n",
        "Transfer-Encoding: chunked\r\n", "HTTP/1.1 200 OK\r\n", "Content-Encoding: gzip\r\n", " ", "\t", "\n",
        "Connection: close\r\n", "0\r\n\r\n"};
    private static final String[] NUMBERS = {"0", "-1", "99999999999", "18446744073709551616", "2147483648",
        "1e3", "0x10", "+5", " 7 ", "", "00000000000000000000000001"};
    private static final String[] STATUS = {"200", "201", "204", "206", "299", "304", "400", "404", "418", "429",
        "499", "500", "502", "503", "504", "599", "600", "999", "0", "99", "100", "101", "103", "1000", "-1",
        "2147483648", "abc", "20", "2000"};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2", "http/1.1",
        "HTTP/1.1 ", "ICY", "HTTP/9.9", "HTTP/1.1\t"};

    private FuzzCases() {
    }

    /** The bytes for one request, written in {@code pieces} writes, and what follows. */
    record Answer(byte[] bytes, int pieces, After after) {
        /** The kit's fault that writes exactly this answer. */
        Fault fault() {
            return Fault.raw(bytes, pieces, after);
        }
    }

    /** The answer of case {@code index} for {@code seed}. */
    static Answer answer(long seed, int index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int kind = r.nextInt(3);
        byte[] bytes = kind == 0 ? randomBytes(r) : kind == 1 ? mutated(r, index) : assembled(r, index);
        int pieces = r.nextInt(10) < 7 ? 1 : 2 + r.nextInt(7);
        int a = r.nextInt(100);
        After after = a < 55 ? After.FIN : a < 85 ? After.KEEP_ALIVE : a < 95 ? After.RST : After.STALL;
        // A kept-alive answer goes out in one write. Bytes beyond a complete response that arrive in a later
        // segment, after the client has sent its next request on the connection, cannot be told from the answer
        // to that request by any HTTP/1.1 client (nginx has the same limit); bytes that arrived before it are
        // what the client must never take for an answer, and the canaries check exactly that.
        return new Answer(bytes, after == After.KEEP_ALIVE ? 1 : pieces, after);
    }

    /** A valid answer whose body names the case: any other answer to it means the client mixed up responses. */
    static Answer canary(int index) {
        String body = "canary-" + index;
        return new Answer(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body), 1, After.KEEP_ALIVE);
    }

    private static byte[] randomBytes(SplittableRandom r) {
        if (r.nextBoolean()) {
            byte[] b = new byte[r.nextInt(2048)];
            r.nextBytes(b);
            return b;
        }
        StringBuilder sb = new StringBuilder();
        for (int lines = r.nextInt(30); lines > 0; lines--) {
            for (int n = r.nextInt(80); n > 0; n--) {
                sb.append((char) (0x20 + r.nextInt(0x5f)));
            }
            sb.append(r.nextInt(5) == 0 ? "\n" : "\r\n");
        }
        return ascii(sb.toString());
    }

    private static byte[] mutated(SplittableRandom r, int index) {
        int t = r.nextInt(VALID.size() + 2);
        byte[] b = t == VALID.size() ? gzipResponse(r) : t == VALID.size() + 1 ? redirect(r, index)
                : ascii(VALID.get(t));
        for (int m = 1 + r.nextInt(4); m > 0; m--) {
            b = mutate(r, b);
        }
        return b;
    }

    private static byte[] mutate(SplittableRandom r, byte[] b) {
        if (b.length == 0) {
            return ascii("HTTP/1.1 200 OK\r\n");
        }
        int at = r.nextInt(b.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 64);
        switch (r.nextInt(11)) {
            case 0 -> {
                b = b.clone();
                b[at] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 1 -> {
                b = b.clone();
                b[at] = (byte) r.nextInt(256);
                return b;
            }
            case 2 -> {
                b = b.clone();
                b[at] = SPECIAL[r.nextInt(SPECIAL.length)];
                return b;
            }
            case 3 -> {
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                return splice(b, at, at, ins);
            }
            case 4 -> {
                return splice(b, at, at, ascii(TOKENS[r.nextInt(TOKENS.length)]));
            }
            case 5 -> {
                return splice(b, at, Math.min(b.length, at + 1 + r.nextInt(16)), new byte[0]);
            }
            case 6 -> {
                int from = r.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + r.nextInt(64));
                byte[] slice = java.util.Arrays.copyOfRange(b, from, to);
                return splice(b, at, at, slice);
            }
            case 7 -> {
                return java.util.Arrays.copyOf(b, at);
            }
            case 8 -> {
                // A run of digits replaced by an extreme number.
                int start = -1;
                for (int i = 0; i < b.length; i++) {
                    int j = (at + i) % b.length;
                    if (b[j] >= '0' && b[j] <= '9') {
                        start = j;
                        break;
                    }
                }
                if (start < 0) {
                    return b;
                }
                int end = start;
                while (end < b.length && b[end] >= '0' && b[end] <= '9') {
                    end++;
                }
                return splice(b, start, end, ascii(NUMBERS[r.nextInt(NUMBERS.length)]));
            }
            case 9 -> {
                // A header line (or any line) repeated up to 300 times.
                String s = new String(b, StandardCharsets.ISO_8859_1);
                int lineStart = s.indexOf("\r\n", at);
                if (lineStart < 0) {
                    return b;
                }
                int lineEnd = s.indexOf("\r\n", lineStart + 2);
                if (lineEnd < 0) {
                    return b;
                }
                String line = s.substring(lineStart, lineEnd);
                return ascii(s.substring(0, lineEnd) + line.repeat(1 + r.nextInt(300)) + s.substring(lineEnd));
            }
            default -> {
                out.writeBytes(b);
                byte[] tail = new byte[1 + r.nextInt(200)];
                r.nextBytes(tail);
                out.writeBytes(r.nextBoolean() ? tail : ascii(VALID.get(r.nextInt(VALID.size()))));
                return out.toByteArray();
            }
        }
    }

    private static byte[] assembled(SplittableRandom r, int index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        for (int interim = r.nextInt(8) == 0 ? 1 + r.nextInt(20) : 0; interim > 0; interim--) {
            out.writeBytes(ascii(r.nextBoolean() ? "HTTP/1.1 100 Continue\r\n\r\n"
                    : "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"));
        }
        String version = VERSIONS[r.nextInt(VERSIONS.length)];
        String status = STATUS[r.nextInt(STATUS.length)];
        StringBuilder head = new StringBuilder(version).append(' ').append(status);
        switch (r.nextInt(5)) {
            case 0 -> { }
            case 1 -> head.append(' ');
            case 2 -> head.append(" Reason\u0001With\u007fControl");
            case 3 -> head.append(" R\u00e9ponse \u00ff");
            default -> head.append(" OK");
        }
        head.append("\r\n");
        byte[] body = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(3000)];
        r.nextBytes(body);
        int framing = r.nextInt(6);
        boolean gzip = r.nextInt(6) == 0;
        if (gzip) {
            byte[] compressed = gzip(body);
            body = r.nextBoolean() ? compressed
                    : java.util.Arrays.copyOf(compressed, Math.max(0, compressed.length - 1 - r.nextInt(20)));
            head.append(r.nextBoolean() ? "Content-Encoding: gzip\r\n" : "Content-Encoding: gzip, deflate\r\n");
        }
        for (int h = r.nextInt(8); h > 0; h--) {
            head.append(header(r, index));
        }
        byte[] framed;
        switch (framing) {
            case 0 -> {
                head.append("Content-Length: ").append(body.length).append("\r\n");
                framed = body;
            }
            case 1 -> {
                head.append("Content-Length: ").append(extremeLength(r, body.length)).append("\r\n");
                framed = body;
            }
            case 2 -> {
                head.append("Content-Length: ").append(body.length).append("\r\nContent-Length: ")
                        .append(body.length + 1 + r.nextInt(10)).append("\r\n");
                framed = body;
            }
            case 3 -> {
                head.append(r.nextBoolean() ? "Transfer-Encoding: chunked\r\n" : "Transfer-Encoding: gzip, chunked\r\n");
                if (r.nextBoolean()) {
                    head.append("Content-Length: ").append(body.length).append("\r\n");
                }
                framed = chunked(r, body);
            }
            case 4 -> {
                head.append(r.nextBoolean() ? "Transfer-Encoding: identity\r\n" : "Transfer-Encoding: xchunked\r\n");
                framed = body;
            }
            default -> framed = body; // delimited by the end of the connection
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(framed);
        return out.toByteArray();
    }

    private static String header(SplittableRandom r, int index) {
        return switch (r.nextInt(16)) {
            case 0 -> "Content-Type: " + pick(r, "text/plain; charset=bogus", "application/json; charset=\"utf-8",
                    ";;;", "", "text/html; charset=utf-16", "application/problem+json", "\u00ff/\u00fe") + "\r\n";
            case 1 -> "Retry-After: " + pick(r, "1", "-1", "99999999999999", "Wed, 21 Oct 2015 07:28:00 GMT",
                    "Fri, 31 Dec 9999 23:59:59 GMT", "soon", "") + "\r\n";
            case 2 -> "Keep-Alive: " + pick(r, "timeout=0", "timeout=-1", "timeout=99999999999", "max=0", "x",
                    "timeout=1, max=1") + "\r\n";
            case 3 -> "Connection: " + pick(r, "close", "keep-alive", "upgrade", "\u00ff") + "\r\n";
            case 4 -> "Location: " + pick(r, "/fuzz/" + index, "/redirected", "", "http://127.0.0.1:1/x",
                    "::::", "/\u00ff\u00fe", "http://127.0.0.1:" + (1 + r.nextInt(1000)) + "/") + "\r\n";
            case 5 -> ": empty-name\r\n";
            case 6 -> "No-Colon-Here\r\n";
            case 7 -> "X-Folded: a\r\n  folded continuation\r\n";
            case 8 -> "X-Bad\u0001Name: v\r\n";
            case 9 -> "X-Long: " + "v".repeat(1000 + r.nextInt(20000)) + "\r\n";
            case 10 -> "X-Many: 1\r\n".repeat(20 + r.nextInt(300));
            case 11 -> "X-Ctl: a\u0000b\u007fc\r\n";
            case 12 -> "X-Bare-LF: a\n";
            case 13 -> "Set-Cookie: " + "c=".repeat(1 + r.nextInt(50)) + "\r\n";
            case 14 -> "Content-Encoding: " + pick(r, "br", "identity", "gzip, gzip", "x-unknown", "deflate") + "\r\n";
            default -> "X-Unicode: \u00e9\u00e8\u00ff\r\n";
        };
    }

    private static String extremeLength(SplittableRandom r, int actual) {
        return pick(r, Integer.toString(actual + 1 + r.nextInt(100)), Integer.toString(Math.max(0, actual - 1 - r.nextInt(100))),
                "-1", "99999999999999999999", "9223372036854775807", "0x10", "+" + actual, actual + " " + actual,
                "", "17179869184");
    }

    private static byte[] chunked(SplittableRandom r, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + r.nextInt(700));
            String size = switch (r.nextInt(12)) {
                case 0 -> "ffffffffffffffff";
                case 1 -> "-" + Integer.toHexString(n);
                case 2 -> Integer.toHexString(n + 1 + r.nextInt(50));
                case 3 -> Integer.toHexString(n) + ";ext=\"x\";y";
                case 4 -> "  " + Integer.toHexString(n);
                default -> Integer.toHexString(n);
            };
            out.writeBytes(ascii(size + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(ascii(r.nextInt(15) == 0 ? "\n" : "\r\n"));
            at += n;
        }
        switch (r.nextInt(5)) {
            case 0 -> { } // no last chunk
            case 1 -> out.writeBytes(ascii("0\r\nX-Trailer: a\r\nContent-Length: 5\r\n\r\n"));
            case 2 -> out.writeBytes(ascii("0\r\n" + "T: x\r\n".repeat(200) + "\r\n"));
            default -> out.writeBytes(ascii("0\r\n\r\n"));
        }
        return out.toByteArray();
    }

    private static byte[] gzipResponse(SplittableRandom r) {
        byte[] plain = ascii("{\"gz\":" + r.nextInt(1000) + "}");
        byte[] body = gzip(plain);
        return concat(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n"), body);
    }

    private static byte[] redirect(SplittableRandom r, int index) {
        String location = r.nextBoolean() ? "/fuzz/" + index : "/redirected";
        return ascii("HTTP/1.1 " + pick(r, "301", "302", "303", "307", "308") + " Moved\r\nLocation: " + location
                + "\r\nContent-Length: 0\r\n\r\n");
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String pick(SplittableRandom r, String... options) {
        return options[r.nextInt(options.length)];
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The first bytes of {@code b}, printable, for a failure message. */
    static String preview(byte[] b) {
        return RawHttpConnection.printable(new String(b, 0, Math.min(b.length, 160), StandardCharsets.ISO_8859_1))
                + (b.length > 160 ? "... (" + b.length + " bytes)" : "");
    }
}
