package dev.upstreamguard.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * A streamed response's entity: HttpClient's entity with the guarded body ({@link GuardedBodyStream}) as its
 * only content. Closing it before the end closes the connection instead of draining it.
 */
final class StreamingEntity extends HttpEntityWrapper {
    private final GuardedBodyStream body;

    StreamingEntity(HttpEntity wrapped, GuardedBodyStream body) {
        super(wrapped);
        this.body = body;
    }

    @Override
    public InputStream getContent() {
        return body;
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public boolean isStreaming() {
        return body.isOpen();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = body) {
            in.transferTo(out);
        }
    }

    @Override
    public void close() {
        body.close();
    }
}
