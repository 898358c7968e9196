package dev.upstreamguard.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.SessionInputBuffer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Identifiable;
import org.apache.hc.core5.util.Timeout;

/**
 * Creates HttpClient's usual connections with two guards HttpCore does not have: a connection never carries bytes
 * from one exchange into the next, and a response head HttpCore cannot represent is a protocol error.
 *
 * <p>Bytes the upstream sent beyond a complete response (a body longer than its Content-Length, a second response
 * nobody asked for) would otherwise stay in the pooled connection and be read as the answer to the next request on
 * it. So a connection with unread bytes in HttpCore's input buffer is not kept alive when released, and a reused
 * connection with unread bytes, in that buffer or waiting in the socket ({@link InputStream#available()}: bytes the
 * upstream sent while the connection was idle), refuses to send (a {@link ConnectionClosedException} before anything
 * is written, which the guard retries once on a fresh connection like any stale keep-alive connection). Both checks
 * are non-blocking; only the one before a reuse asks the kernel (a system call, about 1.6 us on a small virtual
 * machine, so it is made once per call, not also on release, where the buffer check catches what arrived with the
 * response).
 *
 * <p>HttpCore's line parser throws {@link IllegalArgumentException} for some status lines it tokenises but cannot
 * represent (a negative protocol version, status 000); those become a {@link ProtocolException}.
 *
 * <p>Written by hand because HttpClient offers no hook for either. The connections are HttpClient's own, as
 * {@link ManagedHttpClientConnectionFactory} builds them, with a response parser that remembers its input and a
 * wrapper that delegates everything else (HttpClient 5.5 makes its connection class final, so it cannot be
 * extended).
 */
final class InSyncConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {
    private final ManagedHttpClientConnectionFactory connections;
    /** Hands the probe made while a connection is constructed to {@link #createConnection}, on the same thread. */
    private final ThreadLocal<ReadProbe> created = new ThreadLocal<>();
    private final ConnectionAddresses addresses;

    InSyncConnectionFactory(Http1Config http1Config, ConnectionAddresses addresses) {
        this.addresses = addresses;
        HttpMessageParserFactory<ClassicHttpResponse> parsers = new DefaultHttpResponseParserFactory(http1Config);
        this.connections = ManagedHttpClientConnectionFactory.builder()
                .http1Config(http1Config)
                // Always this Http1Config (its header limits): HttpClient 5.5 does not pass it on to the parser factory.
                .responseParserFactory(ignored -> {
                    ReadProbe probe = new ReadProbe(parsers.create(http1Config));
                    created.set(probe);
                    return probe;
                })
                .build();
    }

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
        try {
            ManagedHttpClientConnection connection = connections.createConnection(socket);
            ReadProbe probe = created.get();
            if (probe == null) {
                return connection;
            }
            InSyncConnection inSync = new InSyncConnection(connection, probe, addresses);
            addresses.opened(inSync);
            return inSync;
        } finally {
            created.remove();
        }
    }

    /** The connection's response parser, remembering the buffer and stream it reads from. */
    private static final class ReadProbe implements HttpMessageParser<ClassicHttpResponse> {
        private final HttpMessageParser<ClassicHttpResponse> delegate;
        private volatile SessionInputBuffer buffer;
        private volatile InputStream input;

        ReadProbe(HttpMessageParser<ClassicHttpResponse> delegate) {
            this.delegate = delegate;
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

        /** Whether bytes no response consumed are in HttpCore's input buffer. */
        boolean bufferedBytes() {
            SessionInputBuffer b = buffer;
            return b != null && b.length() > 0;
        }

        /** Whether bytes have arrived that no response has consumed, buffered or in the socket; never blocks. */
        boolean unreadBytes() {
            if (bufferedBytes()) {
                return true;
            }
            InputStream in = input;
            try {
                return in != null && in.available() > 0;
            } catch (IOException closed) {
                return true;
            }
        }
    }

    /** HttpClient's connection with the two checks; every other call is passed on unchanged. */
    private static final class InSyncConnection implements ManagedHttpClientConnection, Identifiable,
            ConnectionAddresses.Tracked {
        private final ManagedHttpClientConnection delegate;
        private final ReadProbe probe;
        private final ConnectionAddresses addresses;
        private boolean exchanged;
        private volatile boolean bound;

        InSyncConnection(ManagedHttpClientConnection delegate, ReadProbe probe, ConnectionAddresses addresses) {
            this.delegate = delegate;
            this.probe = probe;
            this.addresses = addresses;
        }

        @Override
        public ManagedHttpClientConnection connection() {
            return delegate;
        }

        @Override
        public boolean bound() {
            return bound;
        }

        @Override
        public boolean isConsistent() {
            return delegate.isConsistent() && !probe.bufferedBytes();
        }

        @Override
        public void sendRequestHeader(ClassicHttpRequest request) throws HttpException, IOException {
            if (exchanged && probe.unreadBytes()) {
                throw new ConnectionClosedException("unsolicited bytes on an idle connection");
            }
            exchanged = true;
            delegate.sendRequestHeader(request);
        }

        @Override
        public String getId() {
            return delegate instanceof Identifiable id ? id.getId() : delegate.toString();
        }

        @Override
        public void bind(Socket socket) throws IOException {
            delegate.bind(socket);
            bound = true;
        }

        @Override
        public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
            delegate.bind(sslSocket, socket);
            bound = true;
        }

        @Override
        public Socket getSocket() {
            return delegate.getSocket();
        }

        @Override
        public SSLSession getSSLSession() {
            return delegate.getSSLSession();
        }

        @Override
        public void passivate() {
            delegate.passivate();
        }

        @Override
        public void activate() {
            delegate.activate();
        }

        @Override
        public void terminateRequest(ClassicHttpRequest request) throws HttpException, IOException {
            delegate.terminateRequest(request);
        }

        @Override
        public void sendRequestEntity(ClassicHttpRequest request) throws HttpException, IOException {
            delegate.sendRequestEntity(request);
        }

        @Override
        public ClassicHttpResponse receiveResponseHeader() throws HttpException, IOException {
            return delegate.receiveResponseHeader();
        }

        @Override
        public void receiveResponseEntity(ClassicHttpResponse response) throws HttpException, IOException {
            delegate.receiveResponseEntity(response);
        }

        @Override
        public boolean isDataAvailable(Timeout timeout) throws IOException {
            return delegate.isDataAvailable(timeout);
        }

        @Override
        public boolean isStale() throws IOException {
            return delegate.isStale();
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            addresses.closed(this);
            delegate.close();
        }

        @Override
        public void close(CloseMode closeMode) {
            addresses.closed(this);
            delegate.close(closeMode);
        }

        @Override
        public EndpointDetails getEndpointDetails() {
            return delegate.getEndpointDetails();
        }

        @Override
        public SocketAddress getLocalAddress() {
            return delegate.getLocalAddress();
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return delegate.getRemoteAddress();
        }

        @Override
        public ProtocolVersion getProtocolVersion() {
            return delegate.getProtocolVersion();
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        @Override
        public Timeout getSocketTimeout() {
            return delegate.getSocketTimeout();
        }

        @Override
        public void setSocketTimeout(Timeout timeout) {
            delegate.setSocketTimeout(timeout);
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
