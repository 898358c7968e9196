package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The chain check of the running application in the {@code upstreams} endpoint's read answer. */
class UpstreamsEndpointChainTests {
    private static final String BACKEND = "upstream-guard.upstreams.backend";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                    UpstreamGuardDoctorAutoConfiguration.class))
            .withPropertyValues(BACKEND + ".base-uri=http://127.0.0.1:" + FaultyUpstream.refusedPort(),
                    "upstream-guard.probe.budget=8s");

    @Test
    void anAlignedConfigurationIsOkFromFrontProxyToEachPool() {
        runner.withPropertyValues("upstream-guard.front-proxy-timeout=60s",
                "upstream-guard.front-proxy-idle-timeout=60s", "server.tomcat.keep-alive-timeout=75s",
                BACKEND + ".keep-alive=10s", BACKEND + ".idle-timeout=5s").run(context -> {
            Map<String, Object> chain = chain(context);

            assertThat(findings(chain)).as("%s", chain).isNotEmpty()
                    .allSatisfy(f -> assertThat(f).containsEntry("verdict", "ok"));
            assertThat(chain).containsEntry("verdict", "ok");
            List<Map<String, Object>> hops = list(chain, "hops");
            assertThat(hops).extracting(h -> h.get("name")).containsExactly("Front proxy", "Tomcat");
            assertThat(map(hops.get(1), "keepAlive")).containsEntry("ms", 75_000L)
                    .containsEntry("knob", "server.tomcat.keep-alive-timeout").containsEntry("origin", "configured");
            assertThat(map(hops.get(1), "deadline")).containsEntry("ms", 30_000L)
                    .containsEntry("origin", "the starter's default");
            Map<String, Object> pool = list(chain, "pools").get(0);
            assertThat(pool).containsEntry("upstream", "backend");
            assertThat(map(pool, "upstreamKeepAlive")).containsEntry("ms", 10_000L);
            assertThat(finding(chain, "keep-alive-order")).containsEntry("front", "Front proxy")
                    .containsEntry("back", "Tomcat");
            assertThat(finding(chain, "pool-idle")).containsEntry("back", "upstream 'backend'");
        });
    }

    @Test
    void tomcatsDefaultKeepAliveBehindASixtySecondFrontProxyIsAViolationWithItsFix() {
        runner.withPropertyValues("upstream-guard.front-proxy-idle-timeout=60s",
                "upstream-guard.alignment-violations=warn").run(context -> {
            Map<String, Object> chain = chain(context);

            assertThat(chain).containsEntry("verdict", "failed");
            Map<String, Object> order = finding(chain, "keep-alive-order");
            assertThat(order).containsEntry("verdict", "failed").containsEntry("front", "Front proxy")
                    .containsEntry("back", "Tomcat");
            assertThat((String) order.get("values")).contains("server.tomcat.keep-alive-timeout = 60s",
                    "Tomcat's default");
            assertThat((String) order.get("fix")).contains("Raise server.tomcat.keep-alive-timeout to more than 61s",
                    "upstream-guard.front-proxy-idle-timeout");
        });
    }

    @Test
    void aPoolKeepingConnectionsAsLongAsTheUpstreamMeasuredByTheProbeIsAViolation() {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.idleClose(Duration.ofMillis(1500), Fault.Close.FIN))) {
            runner.withPropertyValues(BACKEND + ".base-uri=" + server.baseUri(), BACKEND + ".idle-timeout=1500ms",
                    "upstream-guard.probe.idle=3s").run(context -> {
                UpstreamsEndpoint endpoint = context.getBean(UpstreamsEndpoint.class);
                Map<String, Object> before = finding(chain(context), "pool-idle");
                assertThat(before).containsEntry("verdict", "ok");
                assertThat((String) before.get("message")).startsWith("Not checked");

                assertThat(endpoint.probe("backend").getStatus()).isEqualTo(200);

                Map<String, Object> chain = chain(context);
                Map<String, Object> after = finding(chain, "pool-idle");
                assertThat(after).as("%s", chain).containsEntry("verdict", "failed");
                assertThat((String) after.get("values")).contains("idle-timeout = 1500ms", "measured by the probe");
                assertThat((String) after.get("fix")).contains(BACKEND + ".idle-timeout");
                long measured = (Long) map(list(chain, "pools").get(0), "upstreamKeepAlive").get("ms");
                assertThat(measured).isBetween(1400L, 3000L);
            });
        }
    }

    @Test
    void aPresetSuppliesTheLoadBalancersDefaultsAndDeclaredValuesOverrideThem() {
        runner.withPropertyValues("upstream-guard.front-proxy-preset=alb").run(context -> {
            Map<String, Object> chain = chain(context);
            Map<String, Object> front = list(chain, "hops").get(0);
            assertThat(front).containsEntry("name", "AWS ALB").containsEntry("hop", "load_balancer");
            assertThat(map(front, "poolIdle")).containsEntry("ms", 60_000L)
                    .containsEntry("knob", "idle_timeout.timeout_seconds").containsEntry("origin", "default");
            assertThat(finding(chain, "keep-alive-order")).containsEntry("verdict", "failed");
        });
        runner.withPropertyValues("upstream-guard.front-proxy-preset=alb",
                "upstream-guard.front-proxy-idle-timeout=50s").run(context -> {
            Map<String, Object> chain = chain(context);
            assertThat(map(list(chain, "hops").get(0), "poolIdle")).containsEntry("ms", 50_000L)
                    .containsEntry("origin", "upstream-guard.front-proxy-idle-timeout");
            assertThat(finding(chain, "keep-alive-order")).containsEntry("verdict", "ok");
            assertThat(finding(chain, "front-timeout")).containsEntry("verdict", "ok");
        });
    }

    @Test
    void withoutADeclaredFrontProxyTheChainStartsAtTheWebApplication() {
        runner.run(context -> {
            Map<String, Object> chain = chain(context);
            assertThat(list(chain, "hops")).extracting(h -> h.get("name")).containsExactly("Tomcat");
            assertThat(findings(chain)).extracting(f -> f.get("rule")).doesNotContain("keep-alive-order");
        });
    }

    private static Map<String, Object> chain(AssertableWebApplicationContext context) {
        return map(context.getBean(UpstreamsEndpoint.class).upstreams(), "chain");
    }

    private static Map<String, Object> finding(Map<String, Object> chain, String rule) {
        return findings(chain).stream().filter(f -> rule.equals(f.get("rule"))).findFirst()
                .orElseThrow(() -> new AssertionError("no finding " + rule + " in " + chain));
    }

    private static List<Map<String, Object>> findings(Map<String, Object> chain) {
        return list(chain, "findings");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }
}
