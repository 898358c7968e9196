package dev.upstreamguard.doctor.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The probe command: usage errors in process, and the real command line in a child JVM (exit codes, JSON). */
class ProbeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The result of one command: exit code, standard output, standard error. */
    record Run(int code, String out, String err) {
    }

    private static Run inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DoctorCli.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code java -cp <test classpath> DoctorCli args...} in a child JVM, killed after 60 s. */
    private static Run childJvm(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DoctorCli.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "probe|upstream-guard-doctor: probe: missing URL (probe https://host:port/path)",
        "probe ftp://x/|upstream-guard-doctor: URL: url must be an http or https URL with a host (no user info), but was 'ftp://x/'",
        "probe http://x/ --budget 5x|upstream-guard-doctor: --budget: expected a duration such as 500ms, 5s or 2m, but was '5x'",
        "probe http://x/ --idle 1s,,5s|upstream-guard-doctor: --idle: expected a duration such as 500ms, 5s or 2m, but was ''",
        "probe http://x/ --path health|upstream-guard-doctor: --path: path must start with '/' and hold only visible ASCII (percent-encode the rest), at most 2048 characters, but was 'health'",
        "probe http://x/ --header NoColon|upstream-guard-doctor: --header: expected 'Name: value', but was 'NoColon'",
        "probe http://x/ --header Host: evil|upstream-guard-doctor: --header: header Host is set by the probe itself and cannot be given, but was 'evil'",
        "probe http://x/ --frobnicate|upstream-guard-doctor: unknown option '--frobnicate' for probe",
        "probe http://x/ --budget|upstream-guard-doctor: --budget: missing value",
        "probe http://x/ --budget 20m|upstream-guard-doctor: --budget: budget must be more than 0 and at most PT10M, but was PT20M",
    })
    void badArgumentsAreOneLineNamingTheArgumentAndExitTwo(String line, String expected) {
        String[] args = line.contains("--header ") ? headerArgs(line) : line.split(" ");
        Run run = inProcess(args);

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo(expected + System.lineSeparator());
    }

    private static String[] headerArgs(String line) {
        int at = line.indexOf("--header ");
        List<String> args = new ArrayList<>(List.of(line.substring(0, at).trim().split(" ")));
        args.add("--header");
        args.add(line.substring(at + 9));
        return args.toArray(String[]::new);
    }

    @Test
    void controlCharactersInABadArgumentAreNeutralised() {
        Run run = inProcess("probe", "http://x/", "--budget", "\u001b[2J5s");
        assertThat(run.err()).doesNotContain("\u001b").contains("'?[2J5s'");
    }

    @Test
    void refusedUpstreamExitsOneWithParsableJson() throws Exception {
        Run run = childJvm("probe", FaultyUpstream.refusingBaseUri() + "/health", "--json");

        assertThat(run.code()).as(run.err()).isEqualTo(1);
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("schema").asText()).isEqualTo("upstream-guard-doctor/probe/1");
        assertThat(json.get("verdict").asText()).isEqualTo("failed");
        assertThat(json.get("phase").asText()).isEqualTo("connect");
        assertThat(json.get("errorType").asText()).isEqualTo("connection_refused");
        assertThat(json.get("hop").asText()).isEqualTo("upstream");
        assertThat(json.get("phases")).hasSize(6);
        assertThat(json.get("phases").get(1).get("facts").get("addresses").get(0).get("outcome").asText())
                .isEqualTo("refused");
    }

    @Test
    void healthyUpstreamExitsZeroWithATableOfMarksWithoutColourInAPipe() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.idleClose(Duration.ofSeconds(30), Fault.Close.FIN,
                Duration.ofSeconds(30)))) {
            Run run = childJvm("probe", server.baseUri() + "/", "--idle", "200ms", "--budget", "20s",
                    "--pool-idle", "10s");

            assertThat(run.code()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).doesNotContain("\u001b")
                    .contains("[ok]  resolve", "[--]  tls", "[ok]  processing", "[ok]  keep_alive")
                    .contains("verdict: OK");
            assertThat(run.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
        }
    }

    @Test
    void serverErrorExitsOneAndTheTableNamesTheFix() throws Exception {
        try (FaultyUpstream server = FaultyUpstream.start(Fault.status(502, "", "Connection", "close"))) {
            Run run = childJvm("probe", server.baseUri(), "--path", "/orders?id=1", "--head");

            assertThat(run.code()).isEqualTo(1);
            assertThat(run.out()).contains("[XX]  processing", "HEAD " + server.baseUri() + "/orders?id=1")
                    .contains("verdict:  FAILED in the processing phase: upstream_status")
                    .contains("fix:      the upstream itself answered 502: read its logs for HEAD /orders?id=1.");
        }
    }
}
