package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.deadline.RequestContext;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploys the README's web.xml in a Jetty web application: the documented descriptor must work as documented. */
class WebXmlTest {

    @Test
    void readmeWebXmlRegistersTheFilter(@TempDir Path webApp) throws Exception {
        Files.createDirectories(webApp.resolve("WEB-INF"));
        Files.writeString(webApp.resolve("WEB-INF/web.xml"), DocsSamplesTest.readmeBlock("web.xml (WebXmlTest"),
                StandardCharsets.UTF_8);
        try (TestServer s = TestServer.builder().webApp(webApp)
                .servlet("/deadline", (req, res) ->
                        res.getWriter().print(RequestContext.current().deadline().remaining().toMillis()))
                .servlet("/fail", (req, res) -> {
                    throw Failures.timeout();
                })
                .start()) {
            HttpResponse<String> r = s.get("/fail", "Accept", "text/html", "X-Request-ID", "webxml-1");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.headers().firstValue("X-Request-ID")).contains("webxml-1");
            assertThat(r.body()).contains("<span class=\"who\">Example Shop</span>")
                    .contains("took too long to answer");
            assertThat(Long.parseLong(s.get("/deadline").body())).isBetween(10_000L, 20_000L);
        }
    }
}
