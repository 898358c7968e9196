package dev.upstreamguard.doctor.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigReadersTest {
    @Test
    void springYamlAndPropertiesGiveTheSameChain() {
        String yaml = String.join("\n",
                "# comment",
                "server:",
                "  jetty:",
                "    connection-idle-timeout: 45s",
                "upstream-guard:",
                "  requestTimeout: 20s",
                "  correlation:",
                "    headers:",
                "      - X-Request-ID",
                "      - X-Correlation-ID",
                "  upstreams:",
                "    billing:",
                "      idle-timeout: '2s'",
                "      retry:",
                "        max-attempts: 2",
                "---",
                "upstream-guard:",
                "  request-timeout: 99s");
        String properties = String.join("\n",
                "server.jetty.connection-idle-timeout=45s",
                "upstream-guard.request_timeout : 20000",
                "upstream-guard.upstreams.billing.idle-timeout=2s",
                "upstream-guard.upstreams.billing.retry.max-attempts 2");
        for (SpringConfig c : new SpringConfig[] {SpringConfig.read(yaml, "application.yml", null),
            SpringConfig.read(properties, "application.properties", null)}) {
            ChainHop app = c.appServer();
            assertThat(app.name()).isEqualTo("Jetty");
            assertThat(app.keepAlive().value()).isEqualTo(Duration.ofSeconds(45));
            assertThat(app.deadline().value()).isEqualTo(Duration.ofSeconds(20));
            assertThat(c.pools()).singleElement().satisfies(p -> {
                assertThat(p.upstream()).isEqualTo("billing");
                assertThat(p.idleTimeout().value()).isEqualTo(Duration.ofSeconds(2));
                assertThat(p.maxAttempts()).isEqualTo(2);
                assertThat(p.attemptTimeout().origin()).isEqualTo("default");
            });
        }
    }

    @Test
    void tomcatKeepAliveFallsBackToConnectionTimeoutThenDefault() {
        assertThat(SpringConfig.read("server.tomcat.connection-timeout=70s", "a.properties", null).appServer()
                .keepAlive().value()).isEqualTo(Duration.ofSeconds(70));
        ChainHop byDefault = SpringConfig.read("", "a.properties", null).appServer();
        assertThat(byDefault.keepAlive().value()).isEqualTo(Duration.ofSeconds(60));
        assertThat(byDefault.deadline().value()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badSpringFilesNameFileAndLine() {
        assertThatThrownBy(() -> SpringConfig.read("a: 1\n\tb: 2", "application.yaml", null))
                .isInstanceOf(ChainInputException.class).hasMessageStartingWith("application.yaml:2: ");
        assertThatThrownBy(() -> SpringConfig.read("server:\n  just a word\n", "application.yaml", null))
                .hasMessage("application.yaml:2: expected 'key: value', found 'just a word'");
        assertThatThrownBy(() -> SpringConfig.read("x=1\nupstream-guard.request-timeout=soon", "app.properties",
                null).appServer())
                .hasMessageStartingWith("app.properties:2: upstream-guard.request-timeout: 'soon' is not a duration");
        assertThatThrownBy(() -> SpringConfig.read("upstream-guard.upstreams.a.retry.max-attempts=0", "p.properties",
                null).pools()).hasMessage("p.properties:1: retry.max-attempts must be 1..10, but was 0");
    }

    @Test
    void badNginxConfigurationNamesFileAndLine() {
        String t = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n  server {\n"
                + "    location / { proxy_pass http://a }\n  }\n}\n";
        assertThatThrownBy(() -> NginxConfig.read(t, "stdin")).isInstanceOf(ChainInputException.class)
                .hasMessageStartingWith("/etc/nginx/nginx.conf:4: directive 'proxy_pass' does not end with ';'");
        assertThatThrownBy(() -> NginxConfig.read("events {}\n", "stdin"))
                .hasMessageStartingWith("stdin:1: no 'http { ... }' block found");
        assertThatThrownBy(() -> NginxConfig.read("http {\n server { proxy_read_timeout 1x; location / "
                + "{ proxy_pass http://a; } }\n}", "nginx.conf"))
                .hasMessageStartingWith("nginx.conf:2: proxy_read_timeout: '1x' is not a duration");
    }

    @Test
    void nginxIncludedFilesAreNamedByTheirOwnPath() {
        String t = String.join("\n",
                "# configuration file /etc/nginx/nginx.conf:",
                "http {",
                "    include /etc/nginx/conf.d/*.conf;",
                "}",
                "",
                "# configuration file /etc/nginx/conf.d/app.conf:",
                "server {",
                "  location / { proxy_pass http://127.0.0.1:8080; proxy_read_timeout 90s; }",
                "}");
        ChainHop nginx = NginxConfig.read(t, "stdin");
        assertThat(nginx.responseTimeout().value()).isEqualTo(Duration.ofSeconds(90));
        assertThat(nginx.responseTimeout().origin()).startsWith("/etc/nginx/conf.d/app.conf:2, location /");
    }

    @Test
    void durationsInEachNotation() {
        assertThat(Durations.parse("1m30s", "s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("75", "s")).isEqualTo(Duration.ofSeconds(75));
        assertThat(Durations.parse("20000", "ms")).isEqualTo(Duration.ofSeconds(20));
        assertThat(Durations.parse("PT2S", "ms")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.format(Duration.ofMillis(9150))).isEqualTo("9150ms");
        assertThat(Durations.format(Duration.ofSeconds(600))).isEqualTo("600s");
        assertThatThrownBy(() -> Durations.parse("5 s", "s")).isInstanceOf(IllegalArgumentException.class);
    }
}
