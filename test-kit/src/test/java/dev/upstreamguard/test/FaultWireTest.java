package dev.upstreamguard.test;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.test.RawHttpClient.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The faults beyond core's original set, as a plain socket client sees them: bytes, FIN or RST, and timing. */
class FaultWireTest {
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final String GET = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void resetMidBodySendsTheHeadAndNBodyBytesThenRst() throws IOException {
        FaultyUpstream server = start(Fault.resetMidBody(100, 10));
        RawHttpClient client = connect(server).send(GET);

        String head = client.readHead();
        byte[] body = new byte[10];
        for (int i = 0; i < 10; i++) {
            body[i] = (byte) client.read();
        }

        assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 100\r\n");
        assertThat(new String(body, ISO_8859_1)).isEqualTo("abcdefghij");
        assertThatThrownBy(client::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }

    @Test
    void trickleSendsNBytesPerInterval() throws IOException {
        FaultyUpstream server = start(Fault.trickle("abcdefgh", 4, Duration.ofMillis(150)));
        RawHttpClient client = connect(server).send(GET);
        client.readHead();
        long start = System.nanoTime();

        for (int i = 0; i < 4; i++) {
            client.read();
        }
        Duration firstFour = Duration.ofNanos(System.nanoTime() - start);
        for (int i = 0; i < 4; i++) {
            client.read();
        }
        Duration all = Duration.ofNanos(System.nanoTime() - start);

        assertThat(firstFour).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(all).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void closeOnReuseFinBeforeRequestAnswersTheFirstRequestThenEndsTheReuseWithoutReadingIt() throws IOException {
        FaultyUpstream server = start(Fault.closeOnReuse("fresh", Fault.Reuse.FIN_BEFORE_REQUEST));
        RawHttpClient client = connect(server);

        assertThat(client.send(GET).readResponse().body()).isEqualTo("fresh");
        assertThat(client.send(GET).read()).as("end of stream, no response").isEqualTo(-1);
        assertThat(server.requestsReceived()).isEqualTo(1);
        assertThat(server.connectionsClosedOnReuse()).isEqualTo(1);
    }

    @Test
    void closeOnReuseRstAfterRequestRecordsTheReuseThenResets() throws IOException {
        FaultyUpstream server = start(Fault.closeOnReuse("fresh", Fault.Reuse.RST_AFTER_REQUEST));
        RawHttpClient client = connect(server);
        client.send(GET).readResponse();

        RawHttpClient reused = client.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThatThrownBy(reused::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(server.requests()).extracting(RecordedRequest::path).containsExactly("/ping", "/second");
        assertThat(server.requests().get(1).onReusedConnection()).isTrue();
        assertThat(server.connectionsReused()).isEqualTo(1);
    }

    @Test
    void theStaleKeepAliveRaceEndsTheSameWayThousandTimesForEachMode() throws IOException {
        for (Fault.Reuse mode : Fault.Reuse.values()) {
            try (FaultyUpstream server = FaultyUpstream.start(Fault.closeOnReuse("x", mode))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                int repetitions = 0;
                for (; repetitions < 1000 && System.nanoTime() < deadline; repetitions++) {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
                        socket.setSoTimeout(5000);
                        RawHttpClient client = new RawHttpClient(socket);
                        assertThat(client.send(GET).readResponse().body()).isEqualTo("x");
                        client.send(GET);
                        if (mode == Fault.Reuse.FIN_BEFORE_REQUEST || mode == Fault.Reuse.FIN_AFTER_REQUEST) {
                            assertThat(client.read()).as(mode + " repetition " + repetitions).isEqualTo(-1);
                        } else {
                            assertThatThrownBy(client::read).as(mode + " repetition " + repetitions)
                                    .isInstanceOf(SocketException.class);
                        }
                    }
                }
                assertThat(repetitions).as(mode + ": repetitions within 20 s").isEqualTo(1000);
                assertThat(server.connectionsClosedOnReuse()).isEqualTo(1000);
                boolean after = mode == Fault.Reuse.FIN_AFTER_REQUEST || mode == Fault.Reuse.RST_AFTER_REQUEST;
                assertThat(server.requestsReceived()).as(mode.name()).isEqualTo(after ? 2000 : 1000);
            }
        }
    }

    @Test
    void idleCloseByFinAfterTheIdleTimeAdvertisingKeepAlive() throws IOException {
        FaultyUpstream server = start(Fault.idleClose(Duration.ofMillis(300), Fault.Close.FIN, Duration.ofSeconds(5)));
        RawHttpClient client = connect(server);

        Response response = client.send(GET).readResponse();
        long answered = System.nanoTime();
        int next = client.read();
        Duration idle = Duration.ofNanos(System.nanoTime() - answered);

        assertThat(response.header("Keep-Alive")).isEqualTo("timeout=5");
        assertThat(next).as("FIN").isEqualTo(-1);
        assertThat(idle).isBetween(Duration.ofMillis(250), Duration.ofMillis(2500));
    }

    @Test
    void idleCloseByRstWithoutKeepAliveHeader() throws IOException {
        FaultyUpstream server = start(Fault.idleClose(Duration.ofMillis(300), Fault.Close.RST));
        RawHttpClient client = connect(server);

        Response response = client.send(GET).readResponse();
        long answered = System.nanoTime();

        assertThat(response.header("Keep-Alive")).isNull();
        assertThatThrownBy(client::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(Duration.ofNanos(System.nanoTime() - answered))
                .isBetween(Duration.ofMillis(250), Duration.ofMillis(2500));
    }

    @Test
    void idleCloseServesARequestThatComesInTime() throws IOException {
        FaultyUpstream server = start(Fault.idleClose(Duration.ofSeconds(5), Fault.Close.FIN));
        RawHttpClient client = connect(server);

        client.send(GET).readResponse();

        assertThat(client.send(GET).readResponse().body()).isEqualTo("ok");
        assertThat(server.connectionsReused()).isEqualTo(1);
    }

    @Test
    void rawSendsExactlyTheBytesThenDoesWhatAfterSays() throws IOException {
        FaultyUpstream server = start(Fault.raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", Fault.After.FIN));

        assertThat(connect(server).send(GET).readToEndText())
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    }

    @Test
    void rawInPiecesThenResets() throws IOException {
        FaultyUpstream server = start(Fault.raw(new byte[] {1, 2, 3, 4, 5, 6}, 3, Fault.After.RST));
        RawHttpClient client = connect(server).send(GET);

        for (int i = 1; i <= 6; i++) {
            assertThat(client.read()).isEqualTo(i);
        }
        assertThatThrownBy(client::read).isInstanceOf(SocketException.class);
    }

    @Test
    void dynamicChoosesByRequestAndCountsAChooserThatThrows() throws IOException {
        FaultyUpstream server = start(Fault.dynamic(r -> {
            if (r.path().equals("/boom")) {
                throw new IllegalStateException("chooser bug");
            }
            return Fault.ok("you asked " + r.path());
        }));

        assertThat(connect(server).send(GET).readResponse().body()).isEqualTo("you asked /ping");
        assertThat(connect(server).send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n").readToEnd()).isEmpty();
        assertThat(server.answerErrors()).isEqualTo(1);
    }

    @Test
    void routesApplyPerPathAndTheRestGetsTheDefault() throws IOException {
        FaultyUpstream server = start(Fault.ok("default"));
        server.on("/users/*", Fault.status(503, "busy", "Retry-After", "7")).on("/exact", Fault.resetAfterRequest());
        RawHttpClient client = connect(server);

        Response users = client.send("GET /users/42?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        Response other = client.send("GET /exact/not HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        RawHttpClient exact = connect(server).send("GET /exact HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(users.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
        assertThat(users.header("Retry-After")).isEqualTo("7");
        assertThat(other.body()).isEqualTo("default");
        assertThatThrownBy(exact::read).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> server.on("/x", Fault.acceptThenClose())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failTimesThenFailsExactlyNTimes() throws IOException {
        FaultyUpstream server = start(Fault.failTimesThen(2, Fault.status(500, "no"), Fault.ok("yes")));
        RawHttpClient client = connect(server);

        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            lines.add(client.send(GET).readResponse().statusLine());
        }

        assertThat(lines).containsExactly("HTTP/1.1 500 Internal Server Error", "HTTP/1.1 500 Internal Server Error",
                "HTTP/1.1 200 OK", "HTTP/1.1 200 OK");
    }

    @Test
    void cycleFailsEveryOtherCall() throws IOException {
        FaultyUpstream server = start(Fault.cycle(Fault.status(502, "no"), Fault.ok("yes")));
        RawHttpClient client = connect(server);

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bodies.add(client.send(GET).readResponse().body());
        }

        assertThat(bodies).containsExactly("no", "yes", "no", "yes", "no");
    }

    @Test
    void randomlyRepeatsTheSameSeriesForTheSameSeedAndFailsAboutHalf() throws IOException {
        List<String> first = series(Fault.randomly(0.5, 42, Fault.status(500, "F"), Fault.ok("S")), 200);
        List<String> again = series(Fault.randomly(0.5, 42, Fault.status(500, "F"), Fault.ok("S")), 200);
        List<String> other = series(Fault.randomly(0.5, 43, Fault.status(500, "F"), Fault.ok("S")), 200);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(first.stream().filter("F"::equals).count()).isBetween(70L, 130L);
    }

    @Test
    void recordsCorrelationDeadlineAndTraceparentHeaders() throws IOException {
        FaultyUpstream server = start(Fault.ok("ok"));
        String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        connect(server).send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-ID: req-1\r\nX-Request-Timeout-Ms: 1500\r\n"
                + "traceparent: " + tp + "\r\n\r\n").readResponse();

        RecordedRequest r = server.takeRequest(WAIT);
        assertThat(r.correlationId()).isEqualTo("req-1");
        assertThat(r.deadlineMillis()).isEqualTo(1500);
        assertThat(r.traceparent()).isEqualTo(tp);
        assertThat(r.onReusedConnection()).isFalse();
    }

    @Test
    void tlsHandshakeFailureAlertAnswersTheClientHelloWithAFatalAlert() throws IOException {
        FaultyUpstream server = start(Fault.tlsHandshakeFailureAlert());

        assertThatThrownBy(() -> tlsClient(server, TestCertificate.selfSigned()).startHandshake())
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("handshake_failure");
    }

    @Test
    void tlsHandshakeNeverCompletesSendsNothing() throws IOException {
        FaultyUpstream server = start(Fault.tlsHandshakeNeverCompletes());
        SSLSocket socket = tlsClient(server, TestCertificate.selfSigned());
        socket.setSoTimeout(300);

        assertThatThrownBy(socket::startHandshake).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void plainServerAnswersAClientHelloWithPlainText() throws IOException {
        FaultyUpstream server = start(Fault.ok("ok"));
        RawHttpClient client = connect(server);

        client.socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x01, 0x01});

        assertThat(client.readToEndText()).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThatThrownBy(() -> tlsClient(server, TestCertificate.selfSigned()).startHandshake())
                .isInstanceOf(SSLException.class);
    }

    @Test
    void tlsCertificatesAreServedAndRejectedForTheirOneFault() throws Exception {
        TestCertificate good = TestCertificate.selfSigned();
        TestCertificate expired = TestCertificate.expired();
        TestCertificate wrongHost = TestCertificate.forHost("wrong.example");
        FaultyUpstream ok = track(FaultyUpstream.startTls(good, Fault.ok("secure")));

        SSLSocket trusted = tlsClient(ok, good);
        RawHttpClient client = new RawHttpClient(trusted).send(GET);
        assertThat(client.readResponse().body()).isEqualTo("secure");

        FaultyUpstream old = track(FaultyUpstream.startTls(expired, Fault.ok("x")));
        assertThatThrownBy(() -> tlsClient(old, expired).startHandshake()).isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("CertificateExpiredException");
        FaultyUpstream misnamed = track(FaultyUpstream.startTls(wrongHost, Fault.ok("x")));
        assertThatThrownBy(() -> tlsClient(misnamed, wrongHost).startHandshake())
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("127.0.0.1");
        FaultyUpstream untrusted = track(FaultyUpstream.startTls(good, Fault.ok("x")));
        assertThatThrownBy(() -> tlsClient(untrusted, wrongHost).startHandshake())
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void selfSignedWithAValidityIsServedWithThatExpiry() throws Exception {
        Instant before = Instant.now();
        TestCertificate longLived = TestCertificate.selfSigned(Duration.ofDays(30));
        Instant after = Instant.now();
        FaultyUpstream server = track(FaultyUpstream.startTls(longLived, Fault.ok("secure")));

        SSLSocket socket = tlsClient(server, longLived);
        assertThat(new RawHttpClient(socket).send(GET).readResponse().body()).isEqualTo("secure");
        X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];

        // X.509 dates have whole seconds: allow the second cut off.
        assertThat(served.getNotAfter().toInstant()).isBetween(before.plus(Duration.ofDays(30)).minusSeconds(1),
                after.plus(Duration.ofDays(30)));
        assertThat(served.getNotBefore().toInstant()).isBefore(before);
        assertThat(served.getSubjectX500Principal()).isEqualTo(served.getIssuerX500Principal());
        assertThatThrownBy(() -> TestCertificate.selfSigned(Duration.ZERO))
                .hasMessage("validFor must be positive and at most 3650 days, but was PT0S");
        assertThatThrownBy(() -> TestCertificate.selfSigned(Duration.ofDays(3651)))
                .hasMessage("validFor must be positive and at most 3650 days, but was PT87624H");
    }

    @Test
    void fullAcceptQueueMakesAConnectTimeOut() throws IOException {
        try (FullAcceptQueue queue = FullAcceptQueue.start(); Socket socket = new Socket()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", queue.port()), 300))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    private List<String> series(Fault fault, int n) throws IOException {
        FaultyUpstream server = start(fault);
        RawHttpClient client = connect(server);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bodies.add(client.send(GET).readResponse().body());
        }
        return bodies;
    }

    private SSLSocket tlsClient(FaultyUpstream server, TestCertificate trusted) throws IOException {
        SSLSocket socket = (SSLSocket) trusted.trustingClientContext().getSocketFactory()
                .createSocket("127.0.0.1", server.port());
        track(socket);
        SSLParameters p = socket.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(p);
        socket.setSoTimeout(5000);
        return socket;
    }

    private FaultyUpstream start(Fault fault) {
        return track(FaultyUpstream.start(fault));
    }

    private <T extends AutoCloseable> T track(T c) {
        opened.add(c);
        return c;
    }

    private RawHttpClient connect(FaultyUpstream server) throws IOException {
        Socket socket = track(new Socket());
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        socket.setSoTimeout(5000); // turns a hang into a failure, never used to wait for something
        return new RawHttpClient(socket);
    }
}
