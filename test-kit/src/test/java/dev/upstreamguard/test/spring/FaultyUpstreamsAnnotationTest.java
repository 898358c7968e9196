package dev.upstreamguard.test.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/** One annotation starts a server per name, sets its base-uri property, and closes it with the context. */
@SpringJUnitConfig(FaultyUpstreamsAnnotationTest.Config.class)
@FaultyUpstreams({"users", "orders"})
class FaultyUpstreamsAnnotationTest {
    @Configuration
    static class Config {
    }

    @Value("${upstream-guard.upstreams.users.base-uri}")
    String usersBaseUri;

    @Value("${upstream-guard.upstreams.orders.base-uri}")
    String ordersBaseUri;

    @Test
    void pointsEachUpstreamAtItsOwnRunningServer(ApplicationContext context) throws Exception {
        FaultyUpstream users = FaultyUpstreamBeans.get(context, "users");
        FaultyUpstream orders = FaultyUpstreamBeans.get(context, "orders");
        users.respond(Fault.status(503, "busy", "Retry-After", "3"));

        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(usersBaseUri + "/x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(usersBaseUri).isEqualTo(users.baseUri());
        assertThat(ordersBaseUri).isEqualTo(orders.baseUri()).isNotEqualTo(usersBaseUri);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(users.takeRequest(java.time.Duration.ofSeconds(1)).path()).isEqualTo("/x");
    }

    @Test
    void closesTheServersWithTheContext(ApplicationContext context) {
        // A copy of the context's customization in a fresh context, closed here, so the shared one stays intact.
        var factory = new FaultyUpstreamsContextCustomizerFactory();
        var customizer = factory.createContextCustomizer(FaultyUpstreamsAnnotationTest.class, java.util.List.of());
        ConfigurableApplicationContext fresh = new org.springframework.context.support.GenericApplicationContext();
        customizer.customizeContext(fresh, null);
        fresh.refresh();
        FaultyUpstream users = FaultyUpstreamBeans.get(fresh, "users");
        int port = users.port();

        fresh.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                .isInstanceOf(ConnectException.class);
        assertThat(factory.createContextCustomizer(String.class, java.util.List.of())).isNull();
        assertThat(customizer).isEqualTo(factory.createContextCustomizer(Sub.class, java.util.List.of()));
    }

    static class Sub extends FaultyUpstreamsAnnotationTest {
    }
}
