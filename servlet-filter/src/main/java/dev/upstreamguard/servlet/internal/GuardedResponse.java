package dev.upstreamguard.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * The response the application sees: answers its {@code sendError} with an intercepted status with the error
 * page (after which, as with any {@code sendError}, its writes are ignored), and keeps the correlation ID header
 * across {@link #reset()}.
 */
public final class GuardedResponse extends HttpServletResponseWrapper {
    private final GuardedRequest request;
    private final String correlationId;
    private final String idHeader;
    private final boolean[] intercepted;
    private final ErrorResponder responder;
    private boolean handled;

    /**
     * @param intercepted indexed by status - 500; {@code null} when interception is off
     */
    public GuardedResponse(GuardedRequest request, HttpServletResponse response, String correlationId,
            String idHeader, boolean[] intercepted, ErrorResponder responder) {
        super(response);
        this.request = request;
        this.correlationId = correlationId;
        this.idHeader = idHeader;
        this.intercepted = intercepted;
        this.responder = responder;
    }

    /** Whether this response answered an intercepted {@code sendError}. */
    public boolean handled() {
        return handled;
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (!intercept(sc)) {
            publishState();
            super.sendError(sc, msg);
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        if (!intercept(sc)) {
            publishState();
            super.sendError(sc);
        }
    }

    /** The container's error dispatch comes after the filter returns: it must find the request's state. */
    private void publishState() {
        request.publish();
    }

    private boolean intercept(int sc) {
        if (handled || intercepted == null || sc < 500 || sc > 599 || !intercepted[sc - 500] || isCommitted()) {
            return false;
        }
        handled = true;
        HttpServletResponse response = (HttpServletResponse) getResponse();
        responder.respondToSendError(request, response, correlationId, sc);
        try {
            response.flushBuffer();
        } catch (IOException clientGone) {
            ErrorResponder.LOG.debug("client went away: correlationId={}", correlationId, clientGone);
        }
        return true;
    }

    @Override
    public void reset() {
        super.reset();
        if (!handled) {
            setHeader(idHeader, correlationId);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        return handled ? DiscardingStream.INSTANCE : super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        return handled ? new PrintWriter(Writer.nullWriter()) : super.getWriter();
    }

    private static final class DiscardingStream extends ServletOutputStream {
        static final DiscardingStream INSTANCE = new DiscardingStream();

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            // Nothing will ever be written.
        }

        @Override
        public void write(int b) {
            // Discarded: the error page was already sent.
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // Discarded: the error page was already sent.
        }
    }
}
