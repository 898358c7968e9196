package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The /api/** forwarder streams both ways: bodies beyond the old 16 MiB buffers, events one by one, aborts. */
class ForwardingStreamingTest {
    private static final int MIB = 1024 * 1024;

    private static RunningGateway gatewayFor(String backendUri) {
        return RunningGateway.start("--upstream-guard.upstreams.backend.base-uri=" + backendUri,
                "--upstream-guard.upstreams.backend.stall-timeout=10s",
                "--upstream-guard.upstreams.backend.retry.budget.enabled=false");
    }

    @Test
    void downloadLargerThanAnyBufferIsRelayedByteExactWithItsLength() throws Exception {
        try (FaultyUpstream backend = FaultyUpstream.start(Fault.streamedBody(24 * MIB));
                RunningGateway gateway = gatewayFor(backend.baseUri())) {
            HttpResponse<InputStream> response = RunningGateway.CLIENT.send(
                    HttpRequest.newBuilder(gateway.uri("/api/export")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Length")).contains(String.valueOf(24 * MIB));
            try (InputStream body = response.body()) {
                byte[] buf = new byte[64 * 1024];
                long i = 0;
                for (int n; (n = body.read(buf)) > 0; ) {
                    for (int k = 0; k < n; k++, i++) {
                        if (buf[k] != Fault.bodyByte(i)) {
                            throw new AssertionError("byte " + i + " differs");
                        }
                    }
                }
                assertThat(i).isEqualTo(24L * MIB);
            }
        }
    }

    @Test
    void slowBodyOutlivesTheRequestDeadline() throws Exception {
        // About 3 s of body, a write every 200 ms, behind a 1.5 s request deadline: the stall timeout governs it.
        try (FaultyUpstream backend = FaultyUpstream.start(Fault.steadyBody(16, 1024, Duration.ofMillis(200)));
                RunningGateway gateway = RunningGateway.start("--upstream-guard.upstreams.backend.base-uri="
                        + backend.baseUri(), "--upstream-guard.request-timeout=1500ms",
                        "--upstream-guard.upstreams.backend.attempt-timeout=1s",
                        "--upstream-guard.upstreams.backend.pool-lease-timeout=500ms",
                        "--upstream-guard.upstreams.backend.stall-timeout=2s")) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = RunningGateway.CLIENT.send(HttpRequest.newBuilder(
                    gateway.uri("/api/slow")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize(16 * 1024);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void largeNonIdempotentUploadStreamsUpward() throws Exception {
        byte[] upload = new byte[20 * MIB];
        for (int i = 0; i < upload.length; i++) {
            upload[i] = (byte) (i * 7);
        }
        CRC32 sent = new CRC32();
        sent.update(upload);
        HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.createContext("/uploads", exchange -> {
            CRC32 crc = new CRC32();
            long n = 0;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = in.read(buf)) > 0; n += r) {
                    crc.update(buf, 0, r);
                }
            }
            byte[] answer = (n + " " + crc.getValue() + " " + exchange.getRequestHeaders().getFirst("Content-Length"))
                    .getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        sink.start();
        try (RunningGateway gateway = gatewayFor("http://127.0.0.1:" + sink.getAddress().getPort())) {
            HttpResponse<String> response = RunningGateway.CLIENT.send(HttpRequest.newBuilder(
                    gateway.uri("/api/uploads")).POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("no longer 413 above 16 MiB").isEqualTo(200);
            assertThat(response.body()).isEqualTo(upload.length + " " + sent.getValue() + " " + upload.length);
        } finally {
            sink.stop(0);
        }
    }

    @Test
    void bodyBrokenHalfwayReachesTheClientAsABrokenTransfer() throws Exception {
        try (FaultyUpstream backend = FaultyUpstream.start(Fault.truncatedMidBody(4 * MIB, 2 * MIB));
                RunningGateway gateway = gatewayFor(backend.baseUri())) {
            assertThatThrownBy(() -> RunningGateway.CLIENT.send(HttpRequest.newBuilder(gateway.uri("/api/export"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray()))
                    .as("a short body must not look complete").isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientGoingAwayMidStreamReleasesTheUpstreamConnection() throws Exception {
        try (FaultyUpstream backend = FaultyUpstream.start(Fault.streamedBody(512 * MIB));
                RunningGateway gateway = gatewayFor(backend.baseUri())) {
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
                client.getOutputStream().write(("GET /api/export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(client.getInputStream().readNBytes(MIB)).hasSize(MIB);
            }
            Upstream upstream = gateway.context().getBean("backendUpstream", Upstream.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(upstream.connectionPoolStats().getLeased()).isZero();
                assertThat(backend.openConnections()).isZero();
            });
        }
    }

    @Test
    void serverSentEventsPassOneByOne() throws Exception {
        // The upstream sends an event, then waits until the gateway's client has it before sending the next.
        int events = 3;
        List<CountDownLatch> received = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        AtomicBoolean waitedInVain = new AtomicBoolean();
        HttpServer sse = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sse.createContext("/events", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < events; i++) {
                    out.write(("data: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (!received.get(i).await(10, TimeUnit.SECONDS)) {
                        waitedInVain.set(true);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sse.start();
        try (RunningGateway gateway = gatewayFor("http://127.0.0.1:" + sse.getAddress().getPort())) {
            HttpResponse<Stream<String>> response = RunningGateway.CLIENT.send(HttpRequest.newBuilder(
                    gateway.uri("/api/events")).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.headers().firstValue("Content-Type")).contains("text/event-stream");
            int seen = 0;
            try (Stream<String> lines = response.body()) {
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.startsWith("data: ")) {
                        assertThat(line).isEqualTo("data: event " + seen);
                        received.get(seen++).countDown();
                    }
                }
            }
            assertThat(seen).isEqualTo(events);
        } finally {
            sse.stop(0);
        }
        assertThat(waitedInVain).as("the upstream waited for an event the client never got").isFalse();
    }
}
