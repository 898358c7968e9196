package dev.upstreamguard.benchmarks.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (the HTTP load tool, Debian package {@code wrk}) against a loopback URL and reads its summary. A load
 * tool in its own process keeps the measured server's GC and JIT out of the load generator's timings.
 */
public final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors:.*");

    private final Path executable;

    private Wrk(Path executable) {
        this.executable = executable;
    }

    /** wrk from the PATH, or null when it is not installed. */
    public static Wrk find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return new Wrk(candidate);
            }
        }
        return null;
    }

    /** What one run measured. */
    public record Result(double requestsPerSecond, double p50Micros, double p99Micros) {
    }

    /**
     * One run: {@code connections} kept-alive connections from one wrk thread for {@code seconds}.
     *
     * @throws IllegalStateException when wrk failed, saw socket errors or non-2xx answers
     */
    public Result run(String url, int connections, int seconds) throws IOException, InterruptedException {
        if (!url.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("load runs only target loopback: " + url);
        }
        Process p = new ProcessBuilder(executable.toString(), "-t1", "-c" + connections, "-d" + seconds + "s",
                "--latency", url).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not end");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || SOCKET_ERRORS.matcher(text).find() || NON_2XX.matcher(text).find()) {
            throw new IllegalStateException("wrk run failed or saw errors:\n" + text);
        }
        Matcher rps = RPS.matcher(text);
        if (!rps.find()) {
            throw new IllegalStateException("no Requests/sec in wrk's output:\n" + text);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher m = PERCENTILE.matcher(text);
        while (m.find()) {
            double micros = Double.parseDouble(m.group(2)) * switch (m.group(3)) {
                case "us" -> 1;
                case "ms" -> 1_000;
                default -> 1_000_000;
            };
            if (m.group(1).equals("50")) {
                p50 = micros;
            } else {
                p99 = micros;
            }
        }
        return new Result(Double.parseDouble(rps.group(1)), p50, p99);
    }
}
