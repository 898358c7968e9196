package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a response body by its framing (none, Content-Length, chunked, or until close), counting bytes and
 * checking chunked syntax and gzip validity. Up to {@link #KEEP} bytes are kept to check gzip; larger bodies are
 * counted only.
 */
final class BodyReader {
    static final int KEEP = 4 * 1024 * 1024;

    /** What was read: framing, byte count, declared length, and what the gzip check said. */
    record Body(String framing, long bytes, Long declared, String gzip) {
    }

    private BodyReader() {
    }

    /** The framing of a body: {@code none}, {@code content-length}, {@code chunked} or {@code close}. */
    static String framing(ResponseHead head, boolean headRequest) {
        if (headRequest || head.status < 200 || head.status == 204 || head.status == 304) {
            return "none";
        }
        String te = head.header("Transfer-Encoding");
        if (te != null) {
            return te.toLowerCase(java.util.Locale.ROOT).trim().endsWith("chunked") ? "chunked" : "close";
        }
        return head.header("Content-Length") != null ? "content-length" : "close";
    }

    static Body read(InputStream in, ResponseHead head, String framing, long[] counter) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        Long declared = null;
        switch (framing) {
            case "none" -> {
                return new Body(framing, 0, null, null);
            }
            case "content-length" -> {
                declared = contentLength(head);
                copy(in, declared, kept, counter);
                if (counter[0] < declared) {
                    throw new Malformed(FailureKind.HTTP_RESPONSE_INCOMPLETE, "the body ended after "
                            + counter[0] + " of " + declared + " bytes (Content-Length)");
                }
            }
            case "chunked" -> chunked(in, kept, counter);
            default -> copy(in, Long.MAX_VALUE, kept, counter);
        }
        return new Body(framing, counter[0], declared, gzip(head, kept, counter[0]));
    }

    private static long contentLength(ResponseHead head) throws Malformed {
        String value = head.header("Content-Length");
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Malformed(FailureKind.HTTP_PROTOCOL_ERROR, "invalid Content-Length '"
                    + Words.safe(value, 40) + "'");
        }
    }

    /** Copies up to {@code limit} bytes (until EOF when fewer), counting into {@code counter[0]}. */
    private static void copy(InputStream in, long limit, ByteArrayOutputStream kept, long[] counter)
            throws IOException {
        byte[] buf = new byte[16 * 1024];
        long left = limit;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                return;
            }
            counter[0] += n;
            left -= n;
            if (kept.size() + n <= KEEP) {
                kept.write(buf, 0, n);
            }
        }
    }

    private static void chunked(InputStream in, ByteArrayOutputStream kept, long[] counter) throws IOException {
        while (true) {
            String line = chunkLine(in);
            String size = line.split(";", 2)[0].trim();
            long n;
            try {
                n = Long.parseLong(size, 16);
                if (n < 0 || size.isEmpty()) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new Malformed(FailureKind.HTTP_RESPONSE_TRANSFER_CODING, "invalid chunk size line '"
                        + Words.safe(line, 40) + "'");
            }
            if (n == 0) {
                while (!chunkLine(in).isEmpty()) {
                    // trailer fields: skipped
                }
                return;
            }
            long before = counter[0];
            copy(in, n, kept, counter);
            if (counter[0] - before < n) {
                throw new Malformed(FailureKind.HTTP_RESPONSE_INCOMPLETE, "the connection closed inside a chunk "
                        + "after " + counter[0] + " body bytes (no last chunk)");
            }
            if (!chunkLine(in).isEmpty()) {
                throw new Malformed(FailureKind.HTTP_RESPONSE_TRANSFER_CODING, "a chunk is longer than its "
                        + "declared size " + n);
            }
        }
    }

    private static String chunkLine(InputStream in) throws IOException {
        try {
            return ResponseHead.readLine(in);
        } catch (Malformed e) {
            if (e.kind == FailureKind.HTTP_RESPONSE_INCOMPLETE) {
                throw new Malformed(FailureKind.HTTP_RESPONSE_INCOMPLETE, "the connection closed before the last "
                        + "chunk");
            }
            throw new Malformed(FailureKind.HTTP_RESPONSE_TRANSFER_CODING, "a chunk line is over "
                    + ResponseHead.MAX_LINE / 1024 + " KiB");
        }
    }

    private static String gzip(ResponseHead head, ByteArrayOutputStream kept, long total) throws Malformed {
        String ce = head.header("Content-Encoding");
        if (ce == null || !ce.trim().equalsIgnoreCase("gzip")) {
            return null;
        }
        if (total > KEEP) {
            return "not checked (body over " + KEEP / (1024 * 1024) + " MiB)";
        }
        try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(kept.toByteArray()))) {
            long decoded = z.transferTo(java.io.OutputStream.nullOutputStream());
            return "valid (" + decoded + " bytes decoded)";
        } catch (IOException e) {
            throw new Malformed(FailureKind.HTTP_RESPONSE_CONTENT_CODING, "the gzip body does not decode: "
                    + Words.safe(e.getMessage(), 60));
        }
    }
}
