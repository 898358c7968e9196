package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A @ConcurrencyLimit(policy = REJECT) rejection is answered by the filter as 503 connection_limit_reached. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = ConcurrencyLimitFramework7Tests.LimitedApplication.class,
        properties = "upstream-guard.request-timeout=10s")
class ConcurrencyLimitFramework7Tests {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private ReportService reports;

    @Test
    void aRejectedCallIsA503ConnectionLimitReachedFromTheFilter() throws Exception {
        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(request("limit-first-1"),
                HttpResponse.BodyHandlers.ofString());
        try {
            assertThat(reports.awaitEntered()).as("the first call holds the only permit").isTrue();
            HttpResponse<String> second = HTTP.send(request("limit-second-1"), HttpResponse.BodyHandlers.ofString());
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.headers().firstValue("Proxy-Status")).hasValueSatisfying(
                    value -> assertThat(value).contains("error=connection_limit_reached"));
            assertThat(second.headers().firstValue("X-Request-ID")).contains("limit-second-1");
            assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(second.body()).contains("limit-second-1").doesNotContain("InvocationRejectedException")
                    .doesNotContain("ReportService");
        } finally {
            reports.release();
        }
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    private HttpRequest request(String id) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/report")).header("X-Request-ID", id)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableResilientMethods
    @Import({ ReportService.class, ReportController.class })
    static class LimitedApplication {
    }

    /** A service that allows one call at a time and rejects the others. */
    static class ReportService {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        public boolean awaitEntered() throws InterruptedException {
            return entered.await(10, TimeUnit.SECONDS);
        }

        public void release() {
            release.countDown();
        }

        @ConcurrencyLimit(limit = 1, policy = ConcurrencyLimit.ThrottlePolicy.REJECT)
        public String report() throws InterruptedException {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "report";
        }
    }

    @RestController
    static class ReportController {
        private final ReportService reports;

        ReportController(ReportService reports) {
            this.reports = reports;
        }

        @GetMapping("/report")
        String report() throws InterruptedException {
            return reports.report();
        }
    }
}
