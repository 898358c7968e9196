package dev.upstreamguard.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 512);
            byte[] buf = new byte[8192];
            long total = 0;
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
}
