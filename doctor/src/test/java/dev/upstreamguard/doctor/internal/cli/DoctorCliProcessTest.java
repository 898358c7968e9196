package dev.upstreamguard.doctor.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.doctor.testing.Cli;
import dev.upstreamguard.doctor.testing.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a separate process: exit codes, one-line usage errors, JSON that parses back, safe human output. */
class DoctorCliProcessTest {
    @Test
    void explainReadsLinesFromStandardInputAndAnswersJson() throws Exception {
        String stdin = "SH--\nnot a proxy line\n\u001b[31mupstream-guard; error=connection_refused; details=\"x\u0007\"\n";
        Cli.Result r = Cli.run(stdin, "explain", "--json");
        assertThat(r.exit()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(r.out());
        assertThat(json.get("verdict")).isEqualTo("failed");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) json.get("explanations");
        assertThat(list).extracting(m -> m.get("source")).containsExactly("haproxy", "unknown", "proxy-status");
        assertThat(list.get(0).get("errorType")).isEqualTo("connection_terminated");
        assertThat(list.get(0).get("hopLabel")).isEqualTo("Web application");
        assertThat(list.get(1).get("recognized")).isEqualTo(false);
        assertThat(list.get(2).get("errorType")).isEqualTo("connection_refused");
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0007");
    }

    @Test
    void explainOfNormalOrUnknownLinesExitsZero() throws Exception {
        Cli.Result r = Cli.run(null, "explain", "----", "hello");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Normal termination").contains("does not recognise");
    }

    @Test
    void hostileLinesNeverBreakTheHumanOutput() throws Exception {
        String hostile = "\u001b]0;pwned\u0007\u001b[2J" + "A".repeat(200_000) + "\r\nSC--\u0000\u2028";
        Cli.Result r = Cli.run(hostile, "explain");
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0000").doesNotContain("\u2028")
                .doesNotContain("\r");
        assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void usageErrorsExitTwoWithOneLineNamingTheArgument(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run(null, "chain", "--nginx", dir.resolve("missing.conf").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString().contains("--nginx").contains("missing.conf");

        r = Cli.run(null, "chain", "--margin", "soon");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString().contains("--margin").contains("'soon'");

        r = Cli.run(null, "chain", "--colour");
        assertThat(r.err().lines()).singleElement().asString().contains("unknown option '--colour'");

        r = Cli.run(null, "frobnicate");
        assertThat(r.exit()).isEqualTo(2);

        Path yaml = dir.resolve("application.yaml");
        Files.writeString(yaml, "upstream-guard:\n  request-timeout: 30s\n  oops\n");
        r = Cli.run(null, "chain", "--spring", yaml.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString().contains("application.yaml:3");
    }

    @Test
    void chainExitsZeroWhenAligned() throws Exception {
        Cli.Result r = Cli.run(null, "chain", "--preset", "alb", "--keep-alive", "65s", "--deadline", "20s",
                "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(((Map<?, ?>) Json.parse(r.out())).get("verdict")).isEqualTo("ok");

        r = Cli.run(null, "chain", "--preset", "alb");
        assertThat(r.exit()).isEqualTo(1); // Tomcat's 60s behind the ALB's 60s: a tie
        assertThat(r.out()).contains("FAIL  keep-alive-order");
    }

    @Test
    void chainTakesAProxyGivenByItsValues() throws Exception {
        Cli.Result r = Cli.run(null, "chain", "--proxy-timeout", "30s", "--proxy-idle", "65s", "--deadline", "30s");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  front-timeout").contains("FAIL  keep-alive-order")
                .contains("the proxy's read timeout = 30s (--proxy-timeout)");
    }

    @Test
    void chainReadsNginxFromStandardInput() throws Exception {
        String conf = "http { upstream a { server 127.0.0.1:9; keepalive 4; keepalive_timeout 5s; }\n"
                + "server { location / { proxy_pass http://a; proxy_http_version 1.1; "
                + "proxy_set_header Connection \"\"; proxy_connect_timeout 1s; proxy_read_timeout 40s; } } }\n";
        Cli.Result r = Cli.run(conf, "chain", "--nginx", "-", "--keep-alive", "10s", "--json");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
    }
}
