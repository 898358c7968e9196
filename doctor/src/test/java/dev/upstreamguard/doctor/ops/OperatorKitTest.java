package dev.upstreamguard.doctor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.metrics.UpstreamMetrics;
import dev.upstreamguard.doctor.testing.Json;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.internal.ErrorResponder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.junit.jupiter.api.Test;

/**
 * The operator kit under {@code ops/}: the alert rules pass {@code promtool test rules}, and every metric and label
 * the dashboard and the rules query is one the library really registers, named as Prometheus names it.
 */
class OperatorKitTest {
    private static final Path OPS = Path.of("..", "ops");
    private static final Path RULES = OPS.resolve("prometheus/upstream-guard-alerts.yml");
    private static final Path DASHBOARD = OPS.resolve("grafana/upstream-guard-dashboard.json");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    /** Registered by the doctor's probe gauge (documented name; the probe lives in its own package). */
    private static final Map<String, Set<String>> DOCUMENTED = Map.of("upstream_guard_probe_status",
            Set.of("upstream", "phase", "reason"));
    private static final Pattern METRIC = Pattern.compile("\\bupstream_guard_[a-z_]+\\b");
    private static final Pattern SELECTOR = Pattern.compile("(upstream_guard_[a-z_]+)\\{([^}]*)}");
    private static final Pattern BY = Pattern.compile("by \\(([^)]*)\\)\\s*\\(\\s*(?:rate\\()?\\s*(upstream_guard_[a-z_]+)");

    @Test
    void alertRulesPassPromtool() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (Debian package prometheus): skipped");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", "upstream-guard-alerts.test.yml")
                .directory(RULES.getParent().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void everyQueriedMetricAndLabelIsRegisteredByTheLibrary() throws Exception {
        Map<String, Set<String>> registered = registeredMetrics();
        registered.putAll(DOCUMENTED);
        List<String> queries = new ArrayList<>(ruleExpressions());
        queries.addAll(dashboardExpressions());
        assertThat(queries).hasSizeGreaterThan(10);
        Set<String> used = new HashSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                used.add(m.group());
                assertThat(registered).as("metric in: " + q).containsKey(m.group());
            }
            Matcher s = SELECTOR.matcher(q);
            while (s.find()) {
                for (String matcher : s.group(2).split(",")) {
                    String label = matcher.strip().split("[=!~]", 2)[0];
                    assertThat(registered.get(s.group(1))).as("label " + label + " in: " + q).contains(label);
                }
            }
            Matcher b = BY.matcher(q);
            while (b.find()) {
                for (String label : b.group(1).split(",")) {
                    assertThat(registered.get(b.group(2))).as("label " + label.strip() + " in: " + q)
                            .contains(label.strip());
                }
            }
        }
        // The kit covers calls, error pages, breakers, retries, the budget, the pool and the probes.
        assertThat(used).contains("upstream_guard_calls_seconds_count", "upstream_guard_error_responses_total",
                "upstream_guard_breaker_state", "upstream_guard_retries_total", "upstream_guard_pool_connections",
                "upstream_guard_retries_suppressed_total", "upstream_guard_probe_status");
    }

    /** Prometheus metric names and their labels, after core's metrics and the filter's counter have recorded. */
    private static Map<String, Set<String>> registeredMetrics() {
        try (PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager()) {
            return registeredMetrics(pool); // the pool gauges hold the pool weakly: it stays reachable until scraped
        }
    }

    private static Map<String, Set<String>> registeredMetrics(PoolingHttpClientConnectionManager pool) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        UpstreamMetrics metrics = UpstreamMetrics.micrometer(registry);
        metrics.connectionPool("billing", pool);
        metrics.callCompleted("billing", "GET", null, false, 200, 1_000_000);
        metrics.callCompleted("billing", "GET", FailureKind.CONNECTION_REFUSED, false, 502, 1_000_000);
        metrics.retry("billing", FailureKind.CONNECTION_REFUSED);
        metrics.retrySuppressed("billing");
        metrics.breakerState("billing", () -> 1);
        ErrorResponder responder = new ErrorResponder(UpstreamGuardConfig.builder().meterRegistry(registry).build(),
                OperatorKitTest.class.getClassLoader());
        responder.respondToSendError(request(), response(), "id-1", 502);

        Map<String, Set<String>> out = new HashMap<>();
        for (String line : registry.scrape().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Set<String> labels = out.computeIfAbsent(name, k -> new HashSet<>());
            if (brace >= 0 && brace < space) {
                for (String pair : line.substring(brace + 1, line.indexOf('}')).split(",")) {
                    labels.add(pair.substring(0, pair.indexOf('=')));
                }
            }
        }
        assertThat(out).containsKeys("upstream_guard_calls_seconds_count", "upstream_guard_error_responses_total");
        return out;
    }

    private static List<String> ruleExpressions() throws Exception {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(RULES);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("expr:")) {
                String rest = line.substring(5).strip();
                if (rest.equals("|")) {
                    StringBuilder b = new StringBuilder();
                    int indent = lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length();
                    while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
                            || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() >= indent)) {
                        b.append(lines.get(++i).strip()).append(' ');
                    }
                    out.add(b.toString());
                } else {
                    out.add(rest);
                }
            }
        }
        assertThat(out).hasSize(5);
        return out;
    }

    private static List<String> dashboardExpressions() throws Exception {
        List<String> out = new ArrayList<>();
        collect(Json.parse(Files.readString(DASHBOARD)), out);
        return out;
    }

    private static void collect(Object node, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if ((e.getKey().equals("expr") || e.getKey().equals("query") || e.getKey().equals("definition"))
                        && e.getValue() instanceof String s) {
                    out.add(s);
                } else {
                    collect(e.getValue(), out);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(n -> collect(n, out));
        }
    }

    private static HttpServletRequest request() {
        return (HttpServletRequest) Proxy.newProxyInstance(OperatorKitTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getDispatcherType" -> DispatcherType.REQUEST;
                    case "getRequestURI" -> "/orders";
                    case "getHeader" -> "Accept".equals(args[0]) ? "text/plain" : null;
                    default -> defaultValue(method.getReturnType());
                });
    }

    private static HttpServletResponse response() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ServletOutputStream stream = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }

            @Override
            public void write(int b) {
                body.write(b);
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(OperatorKitTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getOutputStream" -> stream;
                    default -> defaultValue(method.getReturnType());
                });
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class) {
            return type == int.class ? (Object) 0 : (Object) 0L;
        }
        return null;
    }
}
