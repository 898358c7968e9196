package dev.upstreamguard.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.hc.core5.http.HttpEntity;

/** Reads a response body completely, up to a limit. */
final class BoundedBody {
    static final byte[] EMPTY = new byte[0];

    private BoundedBody() {
    }

    /**
     * @return the body, or {@code null} when it is (or is declared) larger than {@code maxBytes}
     */
    static byte[] read(HttpEntity entity, long maxBytes) throws IOException {
        if (entity == null) {
            return EMPTY;
        }
        long declared = entity.getContentLength();
        if (declared > maxBytes) {
            return null;
        }
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return EMPTY;
            }
            if (declared < 0) {
                return readAll(in, new ByteArrayOutputStream(512), maxBytes);
            }
            // A declared length (the usual case): read straight into the result, with no copy and no scratch
            // buffer, then make sure nothing follows.
            byte[] body = declared == 0 ? EMPTY : new byte[(int) declared];
            int n = in.readNBytes(body, 0, body.length);
            if (n < body.length) {
                return Arrays.copyOf(body, n); // the stream ended early without an error: what arrived
            }
            int next = in.read();
            if (next == -1) {
                return body;
            }
            // More than declared: keep reading as for an undeclared length.
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
            out.write(body);
            out.write(next);
            if (out.size() > maxBytes) {
                return null;
            }
            return readAll(in, out, maxBytes);
        }
    }

    private static byte[] readAll(InputStream in, ByteArrayOutputStream out, long maxBytes) throws IOException {
        byte[] buf = new byte[8192];
        long total = out.size();
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > maxBytes) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
