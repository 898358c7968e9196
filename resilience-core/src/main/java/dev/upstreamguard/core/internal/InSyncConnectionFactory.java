package dev.upstreamguard.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.SessionInputBuffer;

/**
 * Creates HttpClient's usual connections with two guards HttpCore does not have: a connection never carries bytes
 * from one exchange into the next, and a response head HttpCore cannot represent is a protocol error.
 *
 * <p>Bytes the upstream sent beyond a complete response (a body longer than its Content-Length, a second response
 * nobody asked for) would otherwise stay in the pooled connection and be read as the answer to the next request on
 * it. So a connection with unread bytes is not kept alive when released, and a reused connection that has received
 * unsolicited bytes while idle refuses to send (a {@link ConnectionClosedException} before anything is written,
 * which the guard retries once on a fresh connection like any stale keep-alive connection). Unread bytes are those
 * in HttpCore's input buffer plus what the socket reports as {@link InputStream#available() available}: both are
 * non-blocking checks, made once per release and once per reuse.
 *
 * <p>HttpCore's line parser throws {@link IllegalArgumentException} for some status lines it tokenises but cannot
 * represent (a negative protocol version, status 000); those become a {@link ProtocolException}.
 *
 * <p>Written by hand because HttpClient offers no hook for either; everything else is
 * {@link DefaultManagedHttpClientConnection} as {@code ManagedHttpClientConnectionFactory} builds it.
 */
final class InSyncConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {
    private final Http1Config http1Config;
    private final HttpMessageParserFactory<ClassicHttpResponse> parsers;
    private final AtomicLong ids = new AtomicLong();

    InSyncConnectionFactory(Http1Config http1Config) {
        this.http1Config = http1Config;
        this.parsers = new DefaultHttpResponseParserFactory(http1Config);
    }

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
        ReadProbe probe = new ReadProbe(parsers.create(http1Config));
        InSyncConnection connection = new InSyncConnection("ug-" + ids.getAndIncrement(), http1Config, probe);
        if (socket != null) {
            connection.bind(socket);
        }
        return connection;
    }

    /** The connection's response parser, remembering the buffer and stream it reads from. */
    private static final class ReadProbe implements HttpMessageParser<ClassicHttpResponse>,
            HttpMessageParserFactory<ClassicHttpResponse> {
        private final HttpMessageParser<ClassicHttpResponse> delegate;
        private volatile SessionInputBuffer buffer;
        private volatile InputStream input;

        ReadProbe(HttpMessageParser<ClassicHttpResponse> delegate) {
            this.delegate = delegate;
        }

        @Override
        public HttpMessageParser<ClassicHttpResponse> create(Http1Config config) {
            return this;
        }

        @Override
        public ClassicHttpResponse parse(SessionInputBuffer buffer, InputStream input) throws IOException,
                HttpException {
            this.buffer = buffer;
            this.input = input;
            try {
                return delegate.parse(buffer, input);
            } catch (IllegalArgumentException unrepresentable) {
                throw new ProtocolException("invalid status line", unrepresentable);
            }
        }

        /** Whether bytes have arrived that no response has consumed; never blocks. */
        boolean unreadBytes() {
            SessionInputBuffer b = buffer;
            if (b == null) {
                return false;
            }
            if (b.length() > 0) {
                return true;
            }
            try {
                return input.available() > 0;
            } catch (IOException closed) {
                return true;
            }
        }
    }

    private static final class InSyncConnection extends DefaultManagedHttpClientConnection {
        private final ReadProbe probe;
        private boolean exchanged;

        InSyncConnection(String id, Http1Config http1Config, ReadProbe probe) {
            super(id, null, null, http1Config, null, null, null, probe);
            this.probe = probe;
        }

        @Override
        public boolean isConsistent() {
            return super.isConsistent() && !probe.unreadBytes();
        }

        @Override
        public void sendRequestHeader(ClassicHttpRequest request) throws HttpException, IOException {
            if (exchanged && probe.unreadBytes()) {
                throw new ConnectionClosedException("unsolicited bytes on an idle connection");
            }
            exchanged = true;
            super.sendRequestHeader(request);
        }
    }
}
