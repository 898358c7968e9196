package dev.upstreamguard.test;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import dev.upstreamguard.test.RawHttpClient.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a plain socket client sees from each {@link Fault}, plus the server's recording and lifecycle. */
class FaultyUpstreamTest {
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final String GET = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    private final List<FaultyUpstream> servers = new ArrayList<>();
    private final List<RawHttpClient> clients = new ArrayList<>();

    @AfterEach
    void closeEverythingAndCheckNoThreadIsLeft() throws IOException {
        for (RawHttpClient c : clients) {
            c.socket.close();
        }
        for (FaultyUpstream server : servers) {
            server.close();
            assertThat(serverThreads(server)).as("threads of " + server.baseUri()).isEmpty();
        }
    }

    @Test
    void okAnswersWithContentLengthAndKeepsTheConnectionAlive() throws IOException {
        FaultyUpstream server = start(Fault.ok("application/json", "{\"ok\":true}"));
        RawHttpClient client = connect(server);

        Response first = client.send(GET).readResponse();
        Response second = client.send("GET /again?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();

        assertThat(first.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(first.header("Content-Type")).isEqualTo("application/json");
        assertThat(first.header("Content-Length")).isEqualTo("11");
        assertThat(first.body()).isEqualTo("{\"ok\":true}");
        assertThat(second.body()).isEqualTo("{\"ok\":true}");
        assertThat(server.connectionsAccepted()).isEqualTo(1);
        assertThat(server.requestsReceived()).isEqualTo(2);
        assertThat(server.requests()).extracting(RecordedRequest::connectionNumber).containsExactly(1, 1);
        assertThat(server.requests()).extracting(RecordedRequest::sequenceOnConnection).containsExactly(0, 1);
    }

    @Test
    void okClosesAfterTheResponseWhenTheClientAsksForConnectionClose() throws IOException {
        FaultyUpstream server = start(Fault.ok("bye"));
        RawHttpClient client = connect(server);

        Response response = client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readResponse();

        assertThat(response.body()).isEqualTo("bye");
        assertThat(client.read()).isEqualTo(-1);
    }

    @Test
    void statusSendsCodeBodyAndExtraHeadersAndKeepsTheConnectionAlive() throws IOException {
        FaultyUpstream server = start(Fault.status(503, "busy", "Retry-After", "2"));
        RawHttpClient client = connect(server);

        Response response = client.send(GET).readResponse();
        Response again = client.send(GET).readResponse();

        assertThat(response.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
        assertThat(response.header("Retry-After")).isEqualTo("2");
        assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.body()).isEqualTo("busy");
        assertThat(again.statusLine()).startsWith("HTTP/1.1 503");
        assertThat(server.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void acceptThenCloseSendsFinBeforeAnyResponse() throws IOException {
        FaultyUpstream server = start(Fault.acceptThenClose());
        RawHttpClient client = connect(server);

        assertThat(client.read()).as("end of stream").isEqualTo(-1);
        assertThat(server.connectionsAccepted()).isEqualTo(1);
        assertThat(server.requestsReceived()).isZero();
    }

    @Test
    void acceptThenCloseAnswersARequestSentAnywayWithEndOfStream() throws IOException {
        FaultyUpstream server = start(Fault.acceptThenClose());

        assertThat(connect(server).send(GET).read()).isEqualTo(-1);
        assertThat(server.requestsReceived()).isZero();
    }

    @Test
    void closeAfterRequestReadsTheRequestThenSendsFinWithoutAResponse() throws IOException {
        FaultyUpstream server = start(Fault.closeAfterRequest());
        RawHttpClient client = connect(server);

        assertThat(client.send(GET).readToEnd()).isEmpty();
        assertThat(server.takeRequest(WAIT).path()).isEqualTo("/ping");
    }

    @Test
    void resetAfterRequestSendsRst() throws IOException {
        FaultyUpstream server = start(Fault.resetAfterRequest());
        RawHttpClient client = connect(server).send(GET);

        assertThatThrownBy(client::read).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        assertThat(server.requestsReceived()).isEqualTo(1);
    }

    @Test
    void blackholeReadsTheRequestAndHoldsTheConnectionUntilClose() throws IOException {
        FaultyUpstream server = start(Fault.blackhole());
        RawHttpClient client = connect(server).send(GET);
        server.takeRequest(WAIT);

        client.socket.setSoTimeout(200);
        assertThatThrownBy(client::read).as("nothing arrives").isInstanceOf(SocketTimeoutException.class);
        server.close();
        client.socket.setSoTimeout(5000);

        assertThat(client.read()).as("end of stream once the server closed").isEqualTo(-1);
    }

    @Test
    void slowHeadersWaitsBeforeAnsweringAndKeepsTheConnectionAlive() throws IOException {
        FaultyUpstream server = start(Fault.slowHeaders(Duration.ofMillis(200)));
        RawHttpClient client = connect(server);

        long start = System.nanoTime();
        Response response = client.send(GET).readResponse();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(response.body()).isEqualTo("ok");
        assertThat(client.send(GET).readResponse().body()).isEqualTo("ok");
    }

    @Test
    void closeCutsAPendingDelayShort() throws IOException {
        FaultyUpstream server = start(Fault.slowHeaders(Duration.ofMinutes(5)));
        RawHttpClient client = connect(server).send(GET);
        server.takeRequest(WAIT);

        long start = System.nanoTime();
        server.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
        assertThat(client.readToEnd()).isEmpty();
    }

    @Test
    void trickleSendsTheHeadersAtOnceThenOneBodyBytePerInterval() throws IOException {
        FaultyUpstream server = start(Fault.trickle("abcd", Duration.ofMillis(60)));
        RawHttpClient client = connect(server).send(GET);

        String head = client.readHead();
        long headAt = System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            body.write(client.read());
        }
        Duration bodyTime = Duration.ofNanos(System.nanoTime() - headAt);

        assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 4\r\n");
        assertThat(body.toString(ISO_8859_1)).isEqualTo("abcd");
        assertThat(bodyTime).as("four bytes, 60 ms apart").isGreaterThanOrEqualTo(Duration.ofMillis(180));
        assertThat(client.send(GET).readHead()).as("keep-alive once complete").startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void truncatedBodyDeclaresMoreThanItSendsThenCloses() throws IOException {
        FaultyUpstream server = start(Fault.truncatedBody(100, "short"));

        String received = connect(server).send(GET).readToEndText();

        assertThat(received).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 100\r\n")
                .endsWith("\r\n\r\nshort");
    }

    @Test
    void brokenChunkedSendsAnInvalidChunkSizeLineThenCloses() throws IOException {
        FaultyUpstream server = start(Fault.brokenChunked());

        String received = connect(server).send(GET).readToEndText();

        assertThat(received).contains("Transfer-Encoding: chunked\r\n").endsWith("\r\n\r\n5\r\nhello\r\nzz\r\n");
    }

    @Test
    void truncatedChunkedClosesWithoutTheTerminalChunk() throws IOException {
        FaultyUpstream server = start(Fault.truncatedChunked());

        String received = connect(server).send(GET).readToEndText();

        assertThat(received).contains("Transfer-Encoding: chunked\r\n").endsWith("\r\n\r\n5\r\nhello\r\n")
                .doesNotContain("\r\n0\r\n");
    }

    @Test
    void garbageSendsBytesThatAreNotHttpThenCloses() throws IOException {
        FaultyUpstream server = start(Fault.garbage());

        byte[] received = connect(server).send(GET).readToEnd();

        String text = new String(received, ISO_8859_1);
        assertThat(text).startsWith("SSH-2.0-").doesNotContain("HTTP/");
        assertThat(received).contains((byte) 0, (byte) 0xff);
        assertThat(text.chars().filter(c -> c == '\n')).as("line feeds: at most three lines").hasSizeLessThan(3);
    }

    @Test
    void invalidStatusLineSendsANonNumericStatusCodeThenCloses() throws IOException {
        FaultyUpstream server = start(Fault.invalidStatusLine());

        String received = connect(server).send(GET).readToEndText();

        assertThat(received).startsWith("HTTP/1.1 abc Nope\r\n").endsWith("\r\n\r\nok");
    }

    @Test
    void invalidStatusLineSendsTheGivenStatusLineThenCloses() throws IOException {
        FaultyUpstream server = start(Fault.invalidStatusLine("HTTP/1.1 999 Nope"));

        String received = connect(server).send(GET).readToEndText();

        assertThat(received).startsWith("HTTP/1.1 999 Nope\r\n").contains("Content-Length: 2\r\n")
                .endsWith("\r\n\r\nok");
    }

    @Test
    void oversizedHeadersSendsManyShortHeaderLinesBeyondTheSize() throws IOException {
        FaultyUpstream server = start(Fault.oversizedHeaders(16 * 1024));

        String received = connect(server).send(GET).readToEndText();

        String head = received.substring(0, received.indexOf("\r\n\r\n"));
        List<String> lines = Arrays.asList(head.split("\r\n"));
        assertThat(lines.get(0)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(head.length()).isGreaterThan(16 * 1024);
        assertThat(lines).hasSizeGreaterThan(200).allSatisfy(line -> assertThat(line.length()).isLessThan(100));
    }

    @Test
    void oversizedHeaderLineSendsOneHeaderLineBeyondTheSize() throws IOException {
        FaultyUpstream server = start(Fault.oversizedHeaderLine(20_000));

        String received = connect(server).send(GET).readToEndText();

        assertThat(received.split("\r\n"))
                .anySatisfy(line -> assertThat(line).startsWith("X-Huge: ").hasSizeGreaterThan(20_000));
    }

    @Test
    void badGzipDeclaresGzipButSendsAnUndecodableBody() throws IOException {
        FaultyUpstream server = start(Fault.badGzip());
        RawHttpClient client = connect(server);

        Response response = client.send(GET).readResponse();

        assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
        assertThatThrownBy(() -> new GZIPInputStream(new ByteArrayInputStream(response.bytes)).readAllBytes())
                .isInstanceOf(ZipException.class);
        assertThat(client.send(GET).readResponse().header("Content-Encoding")).as("keep-alive").isEqualTo("gzip");
    }

    @Test
    void closeAfterResponseAdvertisesKeepAliveThenClosesSilently() throws IOException {
        FaultyUpstream server = start(Fault.closeAfterResponse("fresh"));
        RawHttpClient client = connect(server);

        Response response = client.send(GET).readResponse();

        assertThat(response.header("Connection")).isEqualTo("keep-alive");
        assertThat(response.header("Keep-Alive")).isEqualTo("timeout=60");
        assertThat(response.body()).isEqualTo("fresh");
        assertThat(client.read()).as("FIN right after the response").isEqualTo(-1);
        // Reusing the stale connection: the write is accepted locally, the answer is end of stream.
        assertThat(client.send(GET).read()).isEqualTo(-1);
        assertThat(server.requestsReceived()).isEqualTo(1);
    }

    @Test
    void sequenceAppliesOneFaultPerRequestAndRepeatsTheLast() throws IOException {
        FaultyUpstream server = start(Fault.sequence(Fault.resetAfterRequest(), Fault.ok("fine")));

        RawHttpClient first = connect(server).send(GET);
        assertThatThrownBy(first::read).isInstanceOf(SocketException.class);
        RawHttpClient second = connect(server);

        assertThat(second.send(GET).readResponse().body()).isEqualTo("fine");
        assertThat(second.send(GET).readResponse().body()).isEqualTo("fine");
        assertThat(server.requestsReceived()).isEqualTo(3);
    }

    @Test
    void sequenceAppliesAcceptThenCloseToTheNextConnection() throws IOException {
        FaultyUpstream server = start(Fault.sequence(Fault.acceptThenClose(), Fault.ok("back")));

        assertThat(connect(server).read()).isEqualTo(-1);

        assertThat(connect(server).send(GET).readResponse().body()).isEqualTo("back");
        assertThat(server.takeRequest(WAIT).connectionNumber()).isEqualTo(2);
    }

    @Test
    void faultSwitchesBehaviourFromTheNextRequestOnAKeptAliveConnection() throws IOException {
        FaultyUpstream server = start(Fault.ok("healthy"));
        RawHttpClient client = connect(server);
        assertThat(client.send(GET).readResponse().body()).isEqualTo("healthy");

        server.respond(Fault.status(500, "broken"));

        assertThat(client.send(GET).readResponse().statusLine()).isEqualTo("HTTP/1.1 500 Internal Server Error");
    }

    @Test
    void recordsMethodPathHeadersAndBodyOfLengthAndChunkedRequests() throws IOException {
        FaultyUpstream server = start(Fault.ok("ok"));
        RawHttpClient client = connect(server);

        client.send("POST /users?id=42 HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\r\nX-Tag: a\r\nX-Tag: b\r\n"
                + "Content-Length: 5\r\n\r\nhello").readResponse();
        client.send("PUT /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: t\r\n\r\n").readResponse();

        RecordedRequest post = server.takeRequest(WAIT);
        RecordedRequest put = server.takeRequest(WAIT);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/users?id=42");
        assertThat(post.version()).isEqualTo("HTTP/1.1");
        assertThat(post.header("x-request-id")).isEqualTo("abc");
        assertThat(post.headers().get("x-tag")).containsExactly("a", "b");
        assertThat(post.bodyUtf8()).isEqualTo("hello");
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.bodyUtf8()).isEqualTo("Wikipedia");
        assertThat(server.requests()).containsExactly(post, put);
    }

    @Test
    void answersExpectContinueBeforeReadingTheBody() throws IOException {
        FaultyUpstream server = start(Fault.ok("done"));
        RawHttpClient client = connect(server);

        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        assertThat(client.readHead()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        Response response = client.send("abc").readResponse();

        assertThat(response.body()).isEqualTo("done");
        assertThat(server.takeRequest(WAIT).bodyUtf8()).isEqualTo("abc");
    }

    @Test
    void takeRequestFailsWhenNoRequestArrivesInTime() {
        FaultyUpstream server = start(Fault.ok("ok"));

        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(50))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no request");
    }

    @Test
    void closeEndsEveryConnectionAndLeavesNoServerThreadAlive() throws IOException {
        FaultyUpstream server = start(Fault.sequence(Fault.ok("idle"), Fault.blackhole()));
        RawHttpClient idle = connect(server);
        idle.send(GET).readResponse();
        RawHttpClient held = connect(server).send(GET);
        RawHttpClient silent = connect(server);
        await().atMost(WAIT).until(() -> server.requestsReceived() == 2 && serverThreads(server).size() == 4);

        server.close();

        await().atMost(WAIT).until(() -> serverThreads(server).isEmpty());
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith(threadPrefix(server)));
        assertThat(idle.read()).isEqualTo(-1);
        assertThat(held.read()).isEqualTo(-1);
        assertThat(silent.read()).isEqualTo(-1);
        assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void closesConnectionsBeyondTheOpenCapAndServesOnAfterwards() throws IOException {
        FaultyUpstream server = start(Fault.ok("ok"));
        java.util.List<RawHttpClient> open = new java.util.ArrayList<>();
        for (int i = 0; i < FaultyUpstream.MAX_CONNECTIONS; i++) {
            RawHttpClient client = connect(server);
            client.send(GET).readResponse(); // served, and kept alive
            open.add(client);
        }

        assertThat(connect(server).send(GET).readToEnd()).isEmpty();
        assertThat(server.requestsReceived()).isEqualTo(FaultyUpstream.MAX_CONNECTIONS);
        for (RawHttpClient client : open) {
            client.socket.close();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(connect(server).send(GET).readResponse().statusLine()).contains("200"));
        assertThat(server.requests()).hasSizeLessThanOrEqualTo(FaultyUpstream.MAX_RECORDED);
    }

    @Test
    void keepsOnlyTheLatestRequests() throws IOException {
        FaultyUpstream server = start(Fault.ok("ok"));
        RawHttpClient client = connect(server);
        for (int i = 0; i < FaultyUpstream.MAX_RECORDED + 5; i++) {
            client.send("GET /n" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        }
        assertThat(server.requestsReceived()).isEqualTo(FaultyUpstream.MAX_RECORDED + 5);
        assertThat(server.requests()).hasSize(FaultyUpstream.MAX_RECORDED);
        assertThat(server.requests().get(0).path()).isEqualTo("/n5");
    }

    @Test
    void refusedPortRefusesConnections() {
        int port = FaultyUpstream.refusedPort();

        assertThat(port).isPositive();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void refusedPortLiesOutsideTheKernelsEphemeralRangeSoNoPortZeroServerIsGivenIt() throws Exception {
        int ephemeralStart = RefusedPorts.ephemeralRangeStart();
        assumeTrue(ephemeralStart > 11_000, "no Linux ephemeral port range to stay below");
        int port = FaultyUpstream.refusedPort();

        assertThat(port).isBetween(10_000, ephemeralStart - 1);
        List<ServerSocket> portZeroServers = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                portZeroServers.add(server);
                assertThat(server.getLocalPort()).isNotEqualTo(port);
            }
        } finally {
            for (ServerSocket server : portZeroServers) {
                server.close();
            }
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void baseUriNamesTheLoopbackPort() {
        FaultyUpstream server = start(Fault.ok("ok"));

        assertThat(server.baseUri()).isEqualTo("http://127.0.0.1:" + server.port());
        assertThat(server.port()).isPositive();
    }

    private FaultyUpstream start(Fault fault) {
        FaultyUpstream server = FaultyUpstream.start(fault);
        servers.add(server);
        return server;
    }

    private RawHttpClient connect(FaultyUpstream server) throws IOException {
        Socket socket = new Socket();
        clients.add(new RawHttpClient(socket));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        socket.setSoTimeout(5000); // turns a hang into a failure, never used to wait for something
        return clients.get(clients.size() - 1);
    }

    private static String threadPrefix(FaultyUpstream server) {
        return "faulty-upstream-" + server.port() + "-";
    }

    private static List<Thread> serverThreads(FaultyUpstream server) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(threadPrefix(server))).toList();
    }
}
