package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import dev.upstreamguard.spring.autoconfigure.examples.StreamingExamples;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/** The streaming examples against real upstreams, through the RestClients the starter registers. */
class StreamingExamplesTests {
    private static final int MIB = 1024 * 1024;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class));

    @Test
    void streamResponsesAndStallTimeoutPropertiesReachThePolicy() {
        runner.withPropertyValues("upstream-guard.upstreams.files.base-uri=http://127.0.0.1:9",
                "upstream-guard.upstreams.files.stream-responses=true",
                "upstream-guard.upstreams.files.stall-timeout=7s").run(context -> {
                    Upstream files = context.getBean("filesUpstream", Upstream.class);
                    assertThat(files.policy().streamResponses()).isTrue();
                    assertThat(files.policy().stallTimeout()).isEqualTo(Duration.ofSeconds(7));
                });
    }

    @Test
    void invalidStallTimeoutFailsStartupNamingTheProperty() {
        runner.withPropertyValues("upstream-guard.upstreams.files.base-uri=http://127.0.0.1:9",
                "upstream-guard.upstreams.files.stall-timeout=0s").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("stall-timeout");
                });
    }

    @Test
    void downloadLargerThanTheBufferLimitArrivesByteExact(@TempDir Path dir) throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.streamedBody(24 * MIB))) {
            runner.withPropertyValues("upstream-guard.upstreams.files.base-uri=" + server.baseUri(),
                    "upstream-guard.upstreams.files.stream-responses=true").run(context -> {
                        RestClient files = context.getBean("filesRestClient", RestClient.class);
                        Path target = dir.resolve("export.bin");
                        assertThat(StreamingExamples.download(files, "/export", target)).isEqualTo(24L * MIB);
                        try (InputStream in = Files.newInputStream(target)) {
                            byte[] buf = new byte[64 * 1024];
                            long i = 0;
                            assertThat(Files.size(target)).isEqualTo(24L * MIB);
                            for (int n; (n = in.read(buf)) > 0; ) {
                                for (int k = 0; k < n; k++, i++) {
                                    if (buf[k] != Fault.bodyByte(i)) {
                                        throw new AssertionError("byte " + i + " differs");
                                    }
                                }
                            }
                        }
                        assertThat(context.getBean("filesUpstream", Upstream.class).connectionPoolStats()
                                .getLeased()).isZero();
                    });
        }
    }

    @Test
    void brokenDownloadFailsInsteadOfLeavingAShortFile(@TempDir Path dir) {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.truncatedMidBody(4 * MIB, 2 * MIB))) {
            runner.withPropertyValues("upstream-guard.upstreams.files.base-uri=" + server.baseUri(),
                    "upstream-guard.upstreams.files.stream-responses=true").run(context -> {
                        RestClient files = context.getBean("filesRestClient", RestClient.class);
                        assertThatThrownBy(() -> StreamingExamples.download(files, "/export", dir.resolve("x")))
                                .isInstanceOf(ResourceAccessException.class)
                                .cause().isInstanceOfSatisfying(UpstreamException.class,
                                        e -> assertThat(e.kind()).isEqualTo(FailureKind.HTTP_RESPONSE_INCOMPLETE));
                    });
        }
    }

    @Test
    void eachServerSentEventReachesTheCallerBeforeTheUpstreamSendsTheNext() throws Exception {
        // The upstream sends an event, then waits until the caller has it before sending the next one: a buffered
        // client would make it wait in vain.
        int events = 3;
        List<CountDownLatch> received = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            received.add(new CountDownLatch(1));
        }
        AtomicBoolean waitedInVain = new AtomicBoolean();
        HttpServer sse = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sse.createContext("/events", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < events; i++) {
                    out.write(("id: " + i + "\ndata: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
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
        try {
            runner.withPropertyValues("upstream-guard.upstreams.events.base-uri=http://127.0.0.1:"
                    + sse.getAddress().getPort(), "upstream-guard.upstreams.events.stream-responses=true",
                    "upstream-guard.upstreams.events.stall-timeout=15s").run(context -> {
                        RestClient client = context.getBean("eventsRestClient", RestClient.class);
                        List<String> seen = new ArrayList<>();
                        int count = StreamingExamples.events(client, "/events", 10, data -> {
                            received.get(seen.size()).countDown();
                            seen.add(data);
                        });
                        assertThat(count).isEqualTo(events);
                        assertThat(seen).containsExactly("event 0", "event 1", "event 2");
                    });
        } finally {
            sse.stop(0);
        }
        assertThat(waitedInVain).as("the upstream waited for an event the caller never got").isFalse();
    }
}
