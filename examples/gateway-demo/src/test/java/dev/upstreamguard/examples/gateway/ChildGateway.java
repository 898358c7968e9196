package dev.upstreamguard.examples.gateway;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway demo started in a child JVM of another JDK (this test's class path), its console output written to a
 * file. {@link #close()} stops it with SIGTERM (so that shutdown hooks run: Spring closes the context, a flight
 * recording is written), and kills it when it has not exited within 20 s.
 */
final class ChildGateway implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final int port;

    private ChildGateway(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code GatewayDemoApplication} with {@code java}, JVM options {@code jvmOptions} and application
     * arguments {@code args}, on a random port of 127.0.0.1; returns once Tomcat listens.
     */
    static ChildGateway start(Path java, Path log, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                GatewayDemoApplication.class.getName(), "--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ChildGateway child = new ChildGateway(process, log, 0);
        try {
            int port = await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(child::listeningPort, p -> p > 0 || !process.isAlive());
            if (port <= 0) {
                throw new IllegalStateException("the gateway exited at start-up; its output:\n" + child.output());
            }
            return new ChildGateway(process, log, port);
        } catch (RuntimeException | Error e) {
            child.close();
            throw e;
        }
    }

    private int listeningPort() {
        Matcher m = STARTED.matcher(output());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Everything the child wrote so far (stdout and stderr). */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the child with SIGTERM and waits for it to exit (kills it after 20 s). Idempotent. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
