package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ConcurrencyTest {
    private static final int REQUESTS = 16;

    @Test
    void concurrentRequestsNeverSeeEachOthersIds() throws Exception {
        CyclicBarrier allInFlight = new CyclicBarrier(REQUESTS);
        try (TestServer s = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/id", (req, res) -> {
                    String before = MDC.get("correlationId") + "," + RequestContext.current().correlationId();
                    allInFlight.await(10, TimeUnit.SECONDS); // every request is inside the filter at once
                    String after = MDC.get("correlationId") + "," + RequestContext.current().correlationId();
                    res.getWriter().print(before + "|" + after);
                })
                .start()) {
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(s.uri("/id"));
                if (i % 2 == 0) {
                    request.header("X-Request-ID", "client-" + i); // half incoming, half generated
                }
                responses.add(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> r = responses.get(i).get(20, TimeUnit.SECONDS);
                String id = r.headers().firstValue("X-Request-ID").orElseThrow();
                if (i % 2 == 0) {
                    assertThat(id).isEqualTo("client-" + i);
                }
                assertThat(r.body()).isEqualTo(id + "," + id + "|" + id + "," + id);
                ids.add(id);
            }
            assertThat(ids).doesNotHaveDuplicates();
        }
    }
}
