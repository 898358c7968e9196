package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.LogCapture;
import dev.upstreamguard.servlet.testing.MiniJson;
import dev.upstreamguard.servlet.testing.Probe;
import dev.upstreamguard.servlet.testing.TestServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class AsyncTest {
    private static final ExecutorService APP_THREAD = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-async"));
    private static final Probe PROBE = new Probe("correlationId", null);
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .outerFilter(PROBE)
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/async", (req, res) -> {
                    AsyncContext async = req.startAsync();
                    APP_THREAD.submit(RequestCorrelation.wrap(req, () -> {
                        LoggerFactory.getLogger("app").info("on the async thread");
                        try {
                            async.getResponse().getWriter().print(MDC.get("correlationId") + "|"
                                    + RequestContext.current().correlationId() + "|" + Thread.currentThread().getName());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        async.complete();
                    }));
                })
                .servlet("/async-dispatch", (req, res) -> {
                    AsyncContext async = req.startAsync();
                    APP_THREAD.submit(() -> async.dispatch("/fail"));
                })
                .servlet("/async-send-error", (req, res) -> {
                    AsyncContext async = req.startAsync(req, res);
                    APP_THREAD.submit(() -> {
                        try {
                            ((HttpServletResponse) async.getResponse()).setHeader("Retry-After", "7");
                            ((HttpServletResponse) async.getResponse()).sendError(503);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        async.complete();
                    });
                })
                .servlet("/callable", (req, res) -> {
                    Future<String> seen = APP_THREAD.submit(RequestCorrelation.wrap(req,
                            () -> MDC.get("correlationId") + "|" + RequestContext.current().correlationId()));
                    res.getWriter().print(seen.get(5, TimeUnit.SECONDS));
                })
                .servlet("/fail", (req, res) -> {
                    LoggerFactory.getLogger("app").info("dispatched: {}", req.getDispatcherType());
                    throw Failures.circuitOpen(java.time.Duration.ofSeconds(5));
                })
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        APP_THREAD.shutdownNow();
    }

    @BeforeEach
    void drainProbe() throws Exception {
        // Each test reads the snapshots of its own dispatches.
        while (PROBE.poll() != null) {
            // discard
        }
    }

    /** What the app thread holds once the wrapped task is over (it must hold nothing). */
    private static String appThreadMdcAfterTask() throws Exception {
        Future<String> f = APP_THREAD.submit(() -> MDC.get("correlationId") + "|" + RequestContext.current());
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void echoesIdAndCarriesMdcToTheAsyncThread() throws Exception {
        try (LogCapture app = LogCapture.of("app")) {
            HttpResponse<String> r = server.get("/async", "X-Request-ID", "async-1");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Request-ID")).contains("async-1");
            assertThat(r.body()).isEqualTo("async-1|async-1|app-async");
            assertThat(app.events()).singleElement().satisfies(e -> {
                assertThat(e.getThreadName()).isEqualTo("app-async");
                assertThat(e.getMDCPropertyMap()).containsEntry("correlationId", "async-1");
            });
        }
    }

    @Test
    void carriesIdIntoCallablesOnOtherThreads() throws Exception {
        assertThat(server.get("/callable", "X-Request-ID", "async-7").body()).isEqualTo("async-7|async-7");
        assertThat(appThreadMdcAfterTask()).isEqualTo("null|null");
    }

    @Test
    void clearsMdcOnBothThreads() throws Exception {
        server.get("/async", "X-Request-ID", "async-2");
        Probe.Snapshot container = PROBE.next();
        assertThat(container.thread()).isNotEqualTo("app-async");
        assertThat(container.mdc()).isNull();
        assertThat(container.context()).isNull();
        assertThat(appThreadMdcAfterTask()).isEqualTo("null|null");
    }

    @Test
    void rendersUpstreamFailureOfAsyncDispatchWithTheSameId() throws Exception {
        try (LogCapture app = LogCapture.of("app")) {
            HttpResponse<String> r = server.get("/async-dispatch", "X-Request-ID", "async-3", "Accept", "application/json");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("X-Request-ID")).contains("async-3");
            assertThat(r.headers().firstValue("Retry-After")).contains("5");
            assertThat(MiniJson.object(r.body())).containsEntry("correlationId", "async-3")
                    .containsEntry("kind", "circuit_open").containsEntry("instance", "/async-dispatch");
            assertThat(app.events()).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).isEqualTo("dispatched: ASYNC");
                assertThat(e.getMDCPropertyMap()).containsEntry("correlationId", "async-3");
            });
        }
        Probe.Snapshot request = PROBE.next();
        Probe.Snapshot asyncDispatch = PROBE.next();
        assertThat(request.mdc()).isNull();
        assertThat(asyncDispatch.mdc()).isNull();
        assertThat(asyncDispatch.context()).isNull();
    }

    @Test
    void rendersSendErrorFromTheAsyncThread() {
        HttpResponse<String> r = server.get("/async-send-error", "X-Request-ID", "async-4", "Accept", "text/plain");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("7");
        assertThat(r.body()).startsWith("503 Service Unavailable\nThis site is temporarily unavailable.\n")
                .contains("Correlation ID (quote it when you report the problem): async-4");
    }

    @Test
    void rendersFailureThrownAfterStartAsyncAndEndsTheAsyncCycle() throws Exception {
        java.util.concurrent.CountDownLatch completed = new java.util.concurrent.CountDownLatch(1);
        try (TestServer s = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/started", (req, res) -> {
                    req.startAsync().addListener(new jakarta.servlet.AsyncListener() {
                        @Override
                        public void onComplete(jakarta.servlet.AsyncEvent event) {
                            completed.countDown();
                        }

                        @Override
                        public void onTimeout(jakarta.servlet.AsyncEvent event) {
                        }

                        @Override
                        public void onError(jakarta.servlet.AsyncEvent event) {
                        }

                        @Override
                        public void onStartAsync(jakarta.servlet.AsyncEvent event) {
                        }
                    });
                    throw Failures.refused();
                })
                .start()) {
            HttpResponse<String> r = s.get("/started", "X-Request-ID", "async-5", "Accept", "text/plain");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("async-5").contains("Error: connection_refused");
            assertThat(completed.await(5, TimeUnit.SECONDS)).as("async cycle completed, not left to time out").isTrue();
        }
    }

    @Test
    void answersAsyncDispatchFailureOnErrorDispatchWhenNotMappedForAsync() throws Exception {
        try (TestServer s = TestServer.builder()
                .dispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR))
                .errorPage("/error")
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/async-dispatch", (req, res) -> {
                    AsyncContext async = req.startAsync();
                    APP_THREAD.submit(() -> async.dispatch(req.getParameter("to")));
                })
                .servlet("/fail", (req, res) -> {
                    throw Failures.refused();
                })
                .servlet("/bug", (req, res) -> {
                    throw new IllegalStateException("a bug");
                })
                .servlet("/error", (req, res) -> res.getWriter().print("application error page"))
                .start()) {
            HttpResponse<String> r = s.get("/async-dispatch?to=/fail", "X-Request-ID", "async-6", "Accept", "text/plain");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.headers().firstValue("X-Request-ID")).contains("async-6");
            assertThat(r.body()).contains("async-6").contains("Error: connection_refused");
            assertThat(MiniJson.object(s.get("/async-dispatch?to=/fail", "Accept", "application/json").body()))
                    .containsEntry("instance", "/async-dispatch");

            HttpResponse<String> other = s.get("/async-dispatch?to=/bug");
            assertThat(other.statusCode()).isEqualTo(500);
            assertThat(other.body()).isEqualTo("application error page");
        }
    }
}
