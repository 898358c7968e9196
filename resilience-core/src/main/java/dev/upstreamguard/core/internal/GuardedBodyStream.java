package dev.upstreamguard.core.internal;

import dev.upstreamguard.core.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;

/**
 * The body of a streamed response as the caller reads it. A broken body (shorter than declared, chunked without
 * its last chunk, reset or closed mid-body), a stall and a passed request deadline end in an
 * {@link UpstreamException} from {@code read()}, never in a clean end of stream; later reads throw it again.
 * {@link #close()} before the end closes the connection (never drains it); after the end HttpClient has already
 * returned it to the pool. Not for concurrent reads; {@code close()} may come from another thread. A body dropped
 * unclosed before its end is released once the collector finds it ({@link DroppedStreams}).
 */
final class GuardedBodyStream extends InputStream {
    private static final int OPEN = 0;
    private static final int COMPLETE = 1;
    private static final int FAILED = 2;
    private static final int CLOSED = 3;

    private final InputStream in;
    private final long declaredLength;
    private final StreamCall call;
    private final Cleaner.Cleanable dropWatch;
    private volatile int state;
    private volatile UpstreamException failure;

    GuardedBodyStream(InputStream in, long declaredLength, StreamCall call) {
        this.in = in;
        this.declaredLength = declaredLength;
        this.call = call;
        this.dropWatch = DroppedStreams.watch(this, call);
    }

    @Override
    public int read() throws IOException {
        if (ready()) {
            return -1;
        }
        int b;
        try {
            b = in.read();
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
        if (b < 0) {
            return atEnd();
        }
        delivered(1);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (ready()) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = in.read(buf, off, len);
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
        if (n < 0) {
            return atEnd();
        }
        delivered(n);
        return n;
    }

    @Override
    public int available() throws IOException {
        if (state != OPEN) {
            return 0;
        }
        try {
            return in.available();
        } catch (IOException e) {
            return 0; // the next read reports it
        }
    }

    /** Body bytes handed to the caller so far. */
    long bytes() {
        return call.bytes();
    }

    /** Whether the body is still open (not ended, failed or closed). */
    boolean isOpen() {
        return state == OPEN;
    }

    @Override
    public void close() {
        if (state != OPEN) {
            return;
        }
        if (declaredLength >= 0 && call.bytes() >= declaredLength) {
            // Read up to its declared length without seeing the end: the end costs no wait, and keeps the
            // connection alive.
            try {
                if (in.read() < 0) {
                    atEnd();
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // more than declared, or broken: closed below
            }
        }
        state = CLOSED;
        if (call.end() != null) {
            call.abandoned();
        }
        dropWatch.clean();
        try {
            in.close(); // the connection is closed already: nothing is drained
        } catch (IOException | RuntimeException ignored) {
            // nothing left to release
        }
    }

    /** Throws what ended the body, if it failed or was closed; true when it is complete. */
    private boolean ready() throws IOException {
        int s = state;
        if (s == OPEN) {
            return false;
        }
        if (s == COMPLETE) {
            return true;
        }
        if (s == FAILED) {
            throw failure;
        }
        throw new IOException("response body closed");
    }

    private void delivered(int n) {
        call.delivered(n);
    }

    private int atEnd() throws IOException {
        Boolean inTime = call.end();
        if (inTime == null) {
            throw new IOException("response body closed");
        }
        if (!inTime) {
            // The deadline's watch closed the connection: an EOF-delimited body looks complete but is not.
            failure = call.deadlinePassed(call.bytes());
            state = FAILED;
            dropWatch.clean();
            throw failure;
        }
        state = COMPLETE;
        call.completed(call.bytes());
        dropWatch.clean();
        return -1;
    }

    private IOException fail(Throwable e) {
        Boolean inTime = call.end();
        if (inTime == null) {
            return new IOException("response body closed", e);
        }
        failure = call.failed(e, call.bytes(), inTime);
        state = FAILED;
        dropWatch.clean();
        return failure;
    }
}
