package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.DocPages;
import dev.upstreamguard.servlet.testing.MiniJson;
import dev.upstreamguard.servlet.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Produces the samples shown in the README (into target/readme-samples) and checks that the README shows exactly
 * what the filter produces. Each sample follows a marker such as {@code <!-- sample:problem+json -->} in a fenced
 * block.
 */
class DocsSamplesTest {
    static final String ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.ofDefaults()))
                .servlet("/checkout", (req, res) -> {
                    throw Failures.circuitOpen(Duration.ofSeconds(30));
                })
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> sample(String accept, String file) throws IOException {
        HttpResponse<String> r = server.get("/checkout", "Accept", accept, "X-Request-ID", ID);
        Path dir = Path.of("target", "readme-samples");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), r.body(), StandardCharsets.UTF_8);
        return r;
    }

    /** The fenced block after {@code <!-- sample:name -->} in README.md or docs/. */
    static String readmeBlock(String name) {
        return DocPages.blockAfter("<!-- sample:" + name);
    }

    @Test
    void readmeShowsTheProblemJsonResponse() throws IOException {
        HttpResponse<String> r = sample("application/json", "problem.json");
        String block = readmeBlock("problem+json");
        int blank = block.indexOf("\n\n");
        String[] head = block.substring(0, blank).split("\n");
        assertThat(head[0]).isEqualTo("HTTP/1.1 " + r.statusCode() + " Service Unavailable");
        for (int i = 1; i < head.length; i++) {
            String name = head[i].substring(0, head[i].indexOf(':'));
            assertThat(name + ": " + r.headers().firstValue(name).orElse("<missing>")).isEqualTo(head[i]);
        }
        assertThat(MiniJson.parse(block.substring(blank + 2))).isEqualTo(MiniJson.parse(r.body()));
    }

    @Test
    void readmeShowsTheTextResponse() throws IOException {
        HttpResponse<String> r = sample("text/plain", "error.txt");
        assertThat(readmeBlock("text")).isEqualTo(r.body());
    }

    @Test
    void readmeShowsAnExcerptOfTheHtmlPage() throws IOException {
        HttpResponse<String> r = sample("text/html", "error.html");
        assertThat(r.body()).contains(readmeBlock("html"));
    }
}
