package dev.upstreamguard.core.internal;

import java.io.IOException;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.io.HttpResponseInformationCallback;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * HttpCore's request executor, which also switches the connection's read timeout from the attempt's budget to the
 * stall timeout once the head of a streamed response has arrived: from then on a read fails only when no byte
 * arrives for that long (a socket read returns as soon as any byte is there), however long the whole body takes.
 * The next exchange on the connection gets its own read timeout again (HttpClient sets it before each one).
 */
final class StreamingRequestExecutor extends HttpRequestExecutor {
    /** Context attribute: the stall timeout ({@link Timeout}) of a streamed attempt; absent when buffered. */
    static final String STALL_TIMEOUT_ATTRIBUTE = "dev.upstreamguard.stall-timeout";

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, HttpClientConnection conn,
            HttpResponseInformationCallback informationCallback, HttpContext context)
            throws IOException, HttpException {
        ClassicHttpResponse response = super.execute(request, conn, informationCallback, context);
        Object stall = context == null ? null : context.getAttribute(STALL_TIMEOUT_ATTRIBUTE);
        if (stall instanceof Timeout timeout && response.getEntity() != null) {
            conn.setSocketTimeout(timeout);
        }
        return response;
    }
}
