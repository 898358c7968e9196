package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateTest {

    private static TestServer start(UpstreamGuardConfig config, Supplier<UpstreamException> failure) throws Exception {
        return TestServer.builder().filter(new UpstreamGuardFilter(config))
                .servlet("/fail", (req, res) -> {
                    throw failure.get();
                })
                .servlet("/send/*", (req, res) -> res.sendError(Integer.parseInt(req.getPathInfo().substring(1))))
                .start();
    }

    private static String html(TestServer s, String path) {
        return s.get(path, "Accept", "text/html", "X-Request-ID", "tpl-1").body();
    }

    private static UpstreamGuardConfig locations(String... locations) {
        return UpstreamGuardConfig.builder().templateLocations(locations).build();
    }

    @Test
    void usesClasspathTemplateForTheStatus() throws Exception {
        try (TestServer s = start(locations("classpath:templates-test/"), () -> Failures.upstream503(null))) {
            assertThat(html(s, "/fail")).isEqualTo("<!DOCTYPE html><html lang=\"en\"><title>status 503</title><p>503"
                    + " template: A service this site depends on reported an error. tpl-1</p></html>\n");
            assertThat(html(s, "/send/503")).contains("503 template: This site is temporarily unavailable. tpl-1");
        }
    }

    @Test
    void kindTemplateBeatsStatusTemplate() throws Exception {
        try (TestServer s = start(locations("classpath:templates-test/"), () -> Failures.circuitOpen(Duration.ofSeconds(90)))) {
            assertThat(html(s, "/fail")).contains("kind template: circuit_open retry in 90s (about 2 minutes)")
                    .doesNotContain("503 template");
        }
    }

    @Test
    void matchesTemplateByProxyStatusErrorType() throws Exception {
        try (TestServer s = start(locations("classpath:templates-test/"), () -> Failures.withDetails("body not JSON"))) {
            assertThat(html(s, "/fail")).contains("error type template: http_protocol_error / response_invalid:"
                    + " body not JSON").contains("<p>no name</p>").contains("<p>retryable</p>")
                    .doesNotContain("Upstream:");
        }
    }

    @Test
    void rendersSectionsWhenValuesArePresent() throws Exception {
        UpstreamGuardConfig config = UpstreamGuardConfig.builder().templateLocations("classpath:templates-test/")
                .showUpstreamName(true).build();
        try (TestServer s = start(config, () -> Failures.withDetails("x"))) {
            assertThat(html(s, "/fail")).contains("<p>Upstream: billing</p>").doesNotContain("no name");
        }
    }

    @Test
    void fallsBackToBuiltInPageWhenNoTemplateMatches() throws Exception {
        try (TestServer s = start(locations("classpath:templates-test/"), Failures::refused)) {
            assertThat(html(s, "/fail")).contains("<meta name=\"robots\" content=\"noindex\">")
                    .contains("This site could not reach a service it depends on.");
        }
    }

    @Test
    void fallsBackTo5xxThenGenericTemplate() throws Exception {
        try (TestServer s = start(locations("classpath:templates-fallback/"), Failures::refused)) {
            assertThat(html(s, "/fail")).isEqualTo("<p>any 5xx: 502 Bad Gateway</p>\n");
        }
        try (TestServer s = start(locations("classpath:templates-generic/"), Failures::timeout)) {
            assertThat(html(s, "/fail")).isEqualTo("<p>generic: 504</p>\n");
        }
    }

    @Test
    void readsTemplatesFromTheFilesystem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("error-502.html"), "<p>from disk: {{correlationId}}</p>", StandardCharsets.UTF_8);
        try (TestServer s = start(locations("file:" + dir, "classpath:templates-fallback/"), Failures::refused)) {
            assertThat(html(s, "/fail")).isEqualTo("<p>from disk: tpl-1</p>");
        }
        try (TestServer s = start(locations(dir.toUri().toString()), Failures::refused)) {
            assertThat(html(s, "/fail")).isEqualTo("<p>from disk: tpl-1</p>");
        }
    }

    @Test
    void firstLocationWinsForTheSameName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("error-5xx.html"), "<p>disk 5xx</p>", StandardCharsets.UTF_8);
        try (TestServer s = start(locations("classpath:templates-fallback/", "file:" + dir), Failures::refused)) {
            assertThat(html(s, "/fail")).isEqualTo("<p>any 5xx: 502 Bad Gateway</p>\n");
        }
    }

    @Test
    void escapesEveryPlaceholder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("error.html"), "<p title=\"{{details}}\">{{details}}</p>", StandardCharsets.UTF_8);
        try (TestServer s = start(locations("file:" + dir),
                () -> Failures.withDetails("<img src=x onerror=\"alert(1)\"> & 'quoted'"))) {
            assertThat(html(s, "/fail")).isEqualTo("<p title=\"&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp;"
                    + " &#39;quoted&#39;\">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quoted&#39;</p>");
        }
    }

    @Test
    void rejectsUnknownPlaceholderAtStartup(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("error-504.html"), "<p>\n{{hostName}}</p>", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new UpstreamGuardFilter(locations("file:" + dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("error-504.html line 2: unknown placeholder {{hostName}}");
    }

    @Test
    void rejectsUnescapedPlaceholdersAndBrokenSections(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("error.html"), "<p>{{{details}}}</p>", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new UpstreamGuardFilter(locations("file:" + dir)))
                .hasMessageContaining("unescaped {{{...}}} placeholders are not supported");
        Files.writeString(dir.resolve("error.html"), "{{#details}}<p>{{details}}</p>", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new UpstreamGuardFilter(locations("file:" + dir)))
                .hasMessageContaining("section {{#details}} is not closed");
        Files.writeString(dir.resolve("error.html"), "{{#details}}{{/upstream}}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new UpstreamGuardFilter(locations("file:" + dir)))
                .hasMessageContaining("{{/upstream}} closes no open section");
    }
}
