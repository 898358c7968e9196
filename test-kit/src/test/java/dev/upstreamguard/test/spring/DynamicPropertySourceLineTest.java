package dev.upstreamguard.test.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.test.junit.FaultyUpstreamExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/** The one-line alternative: a per-class extension server and a DynamicPropertySource. */
@SpringJUnitConfig(DynamicPropertySourceLineTest.Config.class)
class DynamicPropertySourceLineTest {
    @RegisterExtension
    static final FaultyUpstreamExtension users = new FaultyUpstreamExtension();

    @Configuration
    static class Config {
    }

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        FaultyUpstreamBeans.baseUri(registry, "users", users::upstream);
    }

    @Value("${upstream-guard.upstreams.users.base-uri}")
    String baseUri;

    @Test
    void thePropertyIsTheRunningServersBaseUri() {
        assertThat(baseUri).isEqualTo(users.baseUri());
    }
}
