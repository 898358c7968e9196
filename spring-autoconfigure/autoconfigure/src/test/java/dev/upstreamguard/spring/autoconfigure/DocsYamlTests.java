package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.StreamUtils;

/**
 * The YAML in README.md and docs/ is configuration that works: every {@code upstream-guard.*} key is a real property,
 * and a block that configures only Upstream Guard and the server starts an application (no start-up check fails).
 */
class DocsYamlTests {
    private static final Path ROOT = Path.of("..", "..");
    private static final Pattern YAML = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyUpstreamGuardKeyInTheDocsIsAProperty() throws Exception {
        Set<String> known = metadataNames();
        List<String> unknown = new ArrayList<>();
        int keys = 0;
        for (Map.Entry<String, Map<String, Object>> block : blocks().entrySet()) {
            for (String key : block.getValue().keySet()) {
                if (key.startsWith("upstream-guard.")) {
                    keys++;
                    String name = key.replaceAll("\\[\\d+]$", "")
                            .replaceFirst("^upstream-guard\\.upstreams\\.[^.]+\\.", "upstream-guard.upstream-defaults.");
                    if (!known.contains(name)) {
                        unknown.add(block.getKey() + ": " + key);
                    }
                }
            }
        }
        assertThat(keys).as("upstream-guard keys in the docs' YAML").isGreaterThan(20);
        assertThat(unknown).as("keys that are no property").isEmpty();
    }

    @Test
    void blocksOfUpstreamGuardAndServerSettingsStartAnApplication() throws Exception {
        int started = 0;
        for (Map.Entry<String, Map<String, Object>> block : blocks().entrySet()) {
            Map<String, Object> properties = block.getValue();
            if (!properties.keySet().stream().allMatch(k -> k.startsWith("upstream-guard.") || k.startsWith("server."))) {
                continue; // a block that needs other starters (resilience4j, service clients) is checked elsewhere
            }
            started++;
            String[] pairs = properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new);
            new WebApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(UpstreamGuardAutoConfiguration.class,
                            UpstreamGuardServletAutoConfiguration.class))
                    .withPropertyValues(pairs)
                    .run(context -> assertThat(context.getStartupFailure()).as("%s starts", block.getKey()).isNull());
        }
        assertThat(started).as("blocks started").isGreaterThanOrEqualTo(3);
    }

    /** Each YAML block of the pages, flattened, keyed by page and line. */
    private static Map<String, Map<String, Object>> blocks() throws Exception {
        Map<String, Map<String, Object>> blocks = new LinkedHashMap<>();
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (Path page : pages) {
            String text = Files.readString(page);
            Matcher m = YAML.matcher(text);
            while (m.find()) {
                String where = ROOT.relativize(page) + ":" + (text.substring(0, m.start()).lines().count() + 1);
                Map<String, Object> flat = new LinkedHashMap<>();
                for (PropertySource<?> source : new YamlPropertySourceLoader().load(where,
                        new ByteArrayResource(m.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
                    EnumerablePropertySource<?> e = (EnumerablePropertySource<?>) source;
                    for (String name : e.getPropertyNames()) {
                        flat.put(name, e.getProperty(name));
                    }
                }
                blocks.put(where, flat);
            }
        }
        return blocks;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> metadataNames() throws Exception {
        try (InputStream in = DocsYamlTests.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            String json = StreamUtils.copyToString(in, java.nio.charset.StandardCharsets.UTF_8);
            List<Map<String, Object>> properties = (List<Map<String, Object>>) JsonParserFactory.getJsonParser()
                    .parseMap(json).get("properties");
            return properties.stream().map(p -> (String) p.get("name")).collect(Collectors.toSet());
        }
    }
}
