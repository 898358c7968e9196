package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Diagnose page against the demo's own built-in misbehaving upstream. */
class DiagnosePageTest {
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void probesEveryRouteAndNamesThePhaseAndErrorTypeOfEachFault() throws Exception {
        HttpResponse<String> page = gateway.get("/diagnose");

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        System.out.println("DIAGNOSE " + verdicts(html));
        assertThat(row(html, "healthy")).contains("class=\"ok\">ok<");
        assertThat(row(html, "refused")).contains("<strong>connect</strong>: <code>connection_refused</code>");
        assertThat(row(html, "blackhole")).contains("<strong>processing</strong>: <code>http_response_timeout</code>");
        assertThat(row(html, "truncated")).contains("<strong>transfer</strong>: <code>http_response_incomplete</code>");
        assertThat(row(html, "garbage")).contains("<strong>processing</strong>: <code>http_protocol_error</code>");
        assertThat(row(html, "bad-status")).contains("<strong>processing</strong>: <code>http_protocol_error</code>");
        assertThat(row(html, "error-500")).contains("<code>upstream_status</code>");
        assertThat(row(html, "stale")).contains("<strong>keep_alive</strong>: <code>connection_terminated</code>");
        assertThat(row(html, "gzip")).contains("<code>http_response_content_coding</code>");
        assertThat(html).doesNotContainPattern("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]");
    }

    private static String row(String html, String route) {
        int start = html.indexOf("<tr><td><a href=\"/demo/" + route + "\">");
        assertThat(start).as("row of " + route).isNotNegative();
        return html.substring(start, html.indexOf("</tr>", start));
    }

    /** route -> verdict and reason, for the record. */
    private static String verdicts(String html) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("<a href=\"/demo/([a-z0-9-]+)\">.*?class=\"(ok|degraded|failed)\">[a-z]+</td><td>"
                + "(?:<strong>([a-z_]+)</strong>: <code>([a-z_0-9]+)</code>)?").matcher(html);
        while (m.find()) {
            out.append(m.group(1)).append('=').append(m.group(2));
            if (m.group(3) != null) {
                out.append('(').append(m.group(3)).append(':').append(m.group(4)).append(')');
            }
            out.append(' ');
        }
        return out.toString();
    }
}
