package dev.upstreamguard.doctor.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainReportTest {
    @Test
    @SuppressWarnings("unchecked")
    void toMapGivesTheJsonShapeWithVerdictHopsPoolsAndFindingsInMilliseconds() {
        ChainReport report = Chain.builder().hop(Presets.alb(null))
                .hop(ChainHop.appServer("Tomcat", Setting.byDefault(Duration.ofSeconds(60),
                        "server.tomcat.keep-alive-timeout"), Setting.byDefault(Duration.ofSeconds(30),
                        "upstream-guard.request-timeout")))
                .build().check();

        Map<String, Object> map = report.toMap();

        assertThat(map).containsOnlyKeys("verdict", "hops", "pools", "findings").containsEntry("verdict", "failed");
        List<Map<String, Object>> hops = (List<Map<String, Object>>) map.get("hops");
        assertThat(hops).extracting(h -> h.get("name")).containsExactly("AWS ALB", "Tomcat");
        assertThat((Map<String, Object>) hops.get(1).get("keepAlive")).containsEntry("ms", 60_000L)
                .containsEntry("knob", "server.tomcat.keep-alive-timeout").containsEntry("origin", "default");
        assertThat(hops.get(1)).containsEntry("hop", "web_application").containsEntry("poolIdle", null);
        Map<String, Object> order = ((List<Map<String, Object>>) map.get("findings")).get(0);
        assertThat(order).containsOnlyKeys("rule", "verdict", "front", "back", "values", "message", "fix")
                .containsEntry("rule", "keep-alive-order").containsEntry("verdict", "failed")
                .containsEntry("front", "AWS ALB").containsEntry("back", "Tomcat");
        assertThat((String) order.get("fix")).contains("server.tomcat.keep-alive-timeout");
        assertThat((List<Object>) map.get("pools")).isEmpty();
    }
}
