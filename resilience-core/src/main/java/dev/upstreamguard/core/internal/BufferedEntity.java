package dev.upstreamguard.core.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.IOException;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * A response body already read into memory: what {@code ByteArrayEntity} is, but taking its content type as a
 * string. {@code ByteArrayEntity} formats its {@code ContentType} into a new string on every construction (a few
 * hundred bytes and as many nanoseconds per call); the policy formats each upstream content type once.
 * Public only so that {@code Upstream} can take the body without copying it; not an API.
 */
public final class BufferedEntity extends AbstractHttpEntity {
    private final byte[] body;

    BufferedEntity(byte[] body, String contentType) {
        super(contentType, null);
        this.body = body;
    }

    /** The body (not a copy). */
    public byte[] body() {
        return body;
    }

    @Override
    public boolean isRepeatable() {
        return true;
    }

    @Override
    public long getContentLength() {
        return body.length;
    }

    @Override
    public InputStream getContent() {
        return new ByteArrayInputStream(body);
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(body);
        out.flush();
    }

    @Override
    public boolean isStreaming() {
        return false;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
