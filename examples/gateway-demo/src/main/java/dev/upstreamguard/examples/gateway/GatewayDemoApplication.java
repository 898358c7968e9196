package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.spring.autoconfigure.UpstreamCustomizer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A gateway built on Upstream Guard's Spring Boot starter.
 *
 * <pre>java -jar examples/gateway-demo/target/gateway-demo.jar</pre>
 *
 * starts on port 8080 with a built-in misbehaving upstream: {@code /} links to one route per failure. With
 * {@code --upstream-guard.upstreams.backend.base-uri=http://host:port} it starts no built-in upstream and forwards
 * {@code /api/**} to that backend instead. Every {@code upstream-guard.*} property applies.
 */
@SpringBootApplication
public class GatewayDemoApplication {

    /** A gateway passes redirects back to its client: the upstreams' HttpClients do not follow them. */
    @Bean
    UpstreamCustomizer passRedirectsThrough() {
        return (name, builder) -> builder.customizeClient(HttpClientBuilder::disableRedirectHandling);
    }

    /** The application, with the listener that starts the built-in upstream when no backend is configured. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(GatewayDemoApplication.class);
        application.addListeners(new BuiltInUpstreamStarter());
        return application;
    }

    /** Starts the gateway with command-line style {@code args}; close the context to stop it. */
    public static ConfigurableApplicationContext start(String... args) {
        return application().run(args);
    }

    public static void main(String[] args) {
        start(args);
    }
}
