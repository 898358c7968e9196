package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.util.StreamUtils;

/** The IDE metadata the configuration processor generates: every property described, defaults where they exist. */
class ConfigurationMetadataTests {

    @Test
    void describesEveryProperty() throws Exception {
        List<Map<String, Object>> properties = properties();
        assertThat(properties).hasSizeGreaterThan(50);
        assertThat(properties).allSatisfy(p -> assertThat((String) p.get("description")).as("%s", p.get("name"))
                .isNotBlank());
    }

    @Test
    void documentsEveryUpstreamSettingWithItsDefaultUnderUpstreamDefaults() throws Exception {
        Map<String, Object> defaults = properties().stream()
                .filter(p -> ((String) p.get("name")).startsWith("upstream-guard.upstream-defaults."))
                .collect(java.util.stream.Collectors.toMap(p -> (String) p.get("name"),
                        p -> String.valueOf(p.get("defaultValue"))));
        String at = "upstream-guard.upstream-defaults.";
        assertThat(defaults).containsEntry(at + "connect-timeout", "1s").containsEntry(at + "attempt-timeout", "3s")
                .containsEntry(at + "idle-timeout", "30s").containsEntry(at + "max-concurrent-calls", "64")
                .containsEntry(at + "retry.max-attempts", "3").containsEntry(at + "retry.budget.ratio", "0.2")
                .containsEntry(at + "circuit-breaker.sliding-window-size", "20")
                .containsEntry(at + "validation.max-body-size", "16MB")
                .containsEntry(at + "validation.statuses", "[100-499]")
                .containsKeys(at + "base-uri", at + "keep-alive", at + "validation.content-types");
    }

    @Test
    void docsConfigurationListsEveryProperty() throws Exception {
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("..", "..", "docs", "configuration.md"));
        int start = page.indexOf("\n## Spring Boot properties\n");
        assertThat(start).as("docs/configuration.md has a '## Spring Boot properties' section").isPositive();
        String section = page.substring(start);
        List<String> names = properties().stream().map(p -> (String) p.get("name"))
                .map(n -> n.replace("upstream-guard.upstream-defaults.", "upstream-guard.upstreams.<name>."))
                .distinct().toList();
        assertThat(names).allSatisfy(name -> assertThat(section).as("docs/configuration.md documents %s", name)
                .contains("| `" + name + "` |"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> properties() throws Exception {
        try (InputStream in = ConfigurationMetadataTests.class
                .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            String json = StreamUtils.copyToString(in, java.nio.charset.StandardCharsets.UTF_8);
            return (List<Map<String, Object>>) JsonParserFactory.getJsonParser().parseMap(json).get("properties");
        }
    }
}
