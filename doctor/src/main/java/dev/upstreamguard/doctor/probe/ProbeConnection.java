package dev.upstreamguard.doctor.probe;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The probe's one connection (plain or TLS) with its buffered input, kept across requests for the reuse test.
 * Every read waits at most the current read timeout, cut to what remains of the budget, so a server that trickles
 * bytes cannot hold the probe past its budget.
 */
final class ProbeConnection implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    private final Budget budget;
    private Duration readTimeout = Duration.ofSeconds(10);

    ProbeConnection(Socket socket, Budget budget) throws IOException {
        this.socket = socket;
        this.budget = budget;
        this.in = new BufferedInputStream(new Timed(socket.getInputStream()), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /** The longest a read may wait from now on (the budget may cut it). */
    void readTimeout(Duration d) {
        this.readTimeout = d;
    }

    @Override
    public void close() {
        ConnectStep.closeQuietly(socket);
    }

    private final class Timed extends FilterInputStream {
        Timed(InputStream in) {
            super(in);
        }

        private void arm() throws IOException {
            if (budget.expired()) {
                throw new SocketTimeoutException("the probe's budget is spent");
            }
            socket.setSoTimeout(budget.timeoutMillis(readTimeout));
        }

        @Override
        public int read() throws IOException {
            arm();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return super.read(b, off, len);
        }
    }
}
