package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.policy;
import static dev.upstreamguard.core.FaultTestSupport.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.test.junit.LeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pooled connection never carries bytes from one exchange into the next: bytes beyond a complete response, or
 * sent by the upstream while the connection was idle, are never read as the answer to a later request.
 */
class ConnectionSyncTest {
    private static final String SMUGGLED = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled";

    @RegisterExtension
    final LeakCheck resources = new LeakCheck((Upstream u) -> u.connectionPoolStats().getLeased());

    @Test
    void bytesBeyondTheDeclaredContentLengthAreNotReadAsTheNextAnswer() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.status(200, "ok" + SMUGGLED,
                "Content-Length", "2")));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().maxConcurrentCalls(1).build()));

        for (int i = 0; i < 3; i++) {
            UpstreamResponse r = upstream.execute(ClassicRequestBuilder.get("/call/" + i).build());
            assertThat(r.bodyAsString()).as("answer to call %d", i).isEqualTo("ok");
        }
        assertThat(server.connectionsAccepted()).as("a connection with leftovers is not reused").isEqualTo(3);
    }

    @Test
    void connectionWithoutLeftoversIsStillReused() throws Exception {
        FaultyUpstream server = resources.track(FaultyUpstream.start(Fault.ok("ok")));
        Upstream upstream = resources.checked(upstream(server.baseUri(), policy().maxConcurrentCalls(1).build()));

        for (int i = 0; i < 5; i++) {
            assertThat(upstream.execute(ClassicRequestBuilder.get("/call/" + i).build()).bodyAsString())
                    .isEqualTo("ok");
        }
        assertThat(server.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void bytesSentWhileTheConnectionWasIdleAreNotReadAsTheNextAnswer() throws Exception {
        // Connection 1 answers "first", then - after the answer was read and the connection pooled - sends a whole
        // unsolicited response. Any later connection answers "fresh".
        CountDownLatch firstAnswered = new CountDownLatch(1);
        CountDownLatch unsolicitedWritten = new CountDownLatch(1);
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread serverThread = new Thread(() -> serve(listener, connections, firstAnswered, unsolicitedWritten),
                    "idle-bytes-server");
            serverThread.setDaemon(true);
            serverThread.start();
            Upstream upstream = resources.checked(upstream("http://127.0.0.1:" + listener.getLocalPort(),
                    policy().maxConcurrentCalls(1).build()));

            assertThat(upstream.execute(ClassicRequestBuilder.get("/first").build()).bodyAsString())
                    .isEqualTo("first");
            firstAnswered.countDown();
            assertThat(unsolicitedWritten.await(5, TimeUnit.SECONDS)).as("server wrote the extra bytes").isTrue();

            UpstreamResponse second = upstream.execute(ClassicRequestBuilder.get("/second").build());
            assertThat(second.bodyAsString()).isEqualTo("fresh");
            assertThat(connections.get()).as("the second call went out on a new connection").isEqualTo(2);
            assertThat(upstream.connectionPoolStats().getLeased()).isZero();
            listener.close();
            serverThread.join(5_000);
        }
    }

    private static void serve(ServerSocket listener, AtomicInteger connections, CountDownLatch firstAnswered,
            CountDownLatch unsolicitedWritten) {
        Socket first = null;
        try {
            while (true) {
                Socket s = listener.accept();
                int n = connections.incrementAndGet();
                readHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                if (n == 1) {
                    first = s;
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"));
                    out.flush();
                    firstAnswered.await(5, TimeUnit.SECONDS);
                    out.write(ascii(SMUGGLED));
                    out.flush();
                    unsolicitedWritten.countDown();
                } else {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nfresh"));
                    out.flush();
                    s.close();
                }
            }
        } catch (IOException | InterruptedException ended) {
            // listener closed at the end of the test
        } finally {
            if (first != null) {
                try {
                    first.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request head incomplete");
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
