package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.doctor.probe.ProbeReport;
import dev.upstreamguard.doctor.probe.UpstreamProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /diagnose}: the doctor's probe of every demo route's upstream, side by side (four at a time, each
 * bounded by a 4 s budget), rendered by {@link DiagnosePage}. One diagnosis at a time: a second request while one
 * runs gets 429.
 */
@RestController
class DiagnoseController implements DisposableBean {
    static final Duration BUDGET = Duration.ofSeconds(4);
    static final List<Duration> IDLE = List.of(Duration.ofMillis(500));

    private final ObjectProvider<Upstream> upstreams;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "diagnose");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();

    DiagnoseController(ObjectProvider<Upstream> upstreams) {
        this.upstreams = upstreams;
    }

    @GetMapping(path = "/diagnose", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> diagnose() throws InterruptedException {
        if (!running.compareAndSet(false, true)) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", "5")
                    .contentType(MediaType.TEXT_PLAIN).body("A diagnosis is already running: try again shortly.\n");
        }
        try {
            Map<DemoRoute, Future<ProbeReport>> pending = new LinkedHashMap<>();
            for (DemoRoute route : DemoRoute.values()) {
                Upstream upstream = find(route.routeName());
                if (upstream != null && upstream.baseUri() != null) {
                    pending.put(route, pool.submit(() -> UpstreamProbe.builder(upstream).budget(BUDGET)
                            .idlePeriods(IDLE).build().run()));
                }
            }
            List<DiagnosePage.Row> rows = new ArrayList<>();
            for (Map.Entry<DemoRoute, Future<ProbeReport>> e : pending.entrySet()) {
                try {
                    rows.add(new DiagnosePage.Row(e.getKey(), e.getValue().get()));
                } catch (ExecutionException failed) {
                    rows.add(new DiagnosePage.Row(e.getKey(), null));
                }
            }
            return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                    .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                    .body(DiagnosePage.render(rows));
        } finally {
            running.set(false);
        }
    }

    private Upstream find(String name) {
        return upstreams.orderedStream().filter(u -> u.name().equals(name)).findFirst().orElse(null);
    }

    @Override
    public void destroy() {
        pool.shutdownNow();
    }
}
