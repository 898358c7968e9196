package dev.upstreamguard.examples.plain;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example runs end to end with no Spring on the classpath. */
class PlainServletAppTest {
    private static PlainServletApp app;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        app = PlainServletApp.start(0);
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthyRouteForwardsTheUpstreamAnswerWithACorrelationId() throws Exception {
        HttpResponse<String> r = get("/healthy/items", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("hello from upstream");
        assertThat(r.headers().firstValue("X-Request-ID")).hasValueSatisfying(id -> assertThat(id).isNotBlank());
    }

    @Test
    void brokenRouteAnswersTheFiltersBadGatewayPage() throws Exception {
        HttpResponse<String> r = get("/broken/items", "text/html");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
        assertThat(r.headers().firstValue("Proxy-Status")).hasValueSatisfying(ps -> assertThat(ps)
                .contains("error=connection_refused"));
        String id = r.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(r.body()).contains(id).doesNotContain("127.0.0.1").doesNotContain("Exception");
    }

    @Test
    void brokenRouteSpeaksProblemJsonToApiClients() throws Exception {
        HttpResponse<String> r = get("/broken/items", "application/problem+json");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"status\":502").contains("\"correlationId\"");
    }
}
