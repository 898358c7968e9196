package dev.upstreamguard.reliability.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Scenario} in a child JVM inside a namespace, answers its events with the case's kernel changes, and
 * collects its {@code R key=value} findings. The child is killed after {@link #LIMIT_SECONDS} at the latest.
 */
final class ScenarioRun {
    static final long LIMIT_SECONDS = 60;
    private static final String EOF = "\u0000eof";

    /** A kernel change made when the scenario asks for it. */
    interface Action {
        /** Makes the change; {@code arg} is what the scenario said after the event's name, or "". */
        void run(String arg) throws Exception;
    }

    final Map<String, String> result = new LinkedHashMap<>();
    final List<String> transcript = new ArrayList<>();

    private ScenarioRun() {
    }

    static ScenarioRun run(Netns ns, Map<String, Action> actions, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // The JVM's own DNS cache: 1 s, so that a migration's bound is this plus the connection lifetime.
                "-Dsun.net.inetaddr.ttl=1", "-Dsun.net.inetaddr.negative.ttl=0",
                Scenario.class.getName()));
        command.addAll(args);
        ScenarioRun run = new ScenarioRun();
        Process p = ns.startPiped(command.toArray(String[]::new));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                lines.add(EOF);
            }
        }, "scenario-reader");
        reader.setDaemon(true);
        reader.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        boolean done = false;
        try (OutputStream control = p.getOutputStream()) {
            while (!done) {
                long left = end - System.nanoTime();
                String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("scenario did not finish within " + LIMIT_SECONDS + " s: "
                            + String.join("\n", run.transcript));
                }
                if (line.equals(EOF)) {
                    break;
                }
                run.transcript.add(line);
                if (line.startsWith("EVENT ")) {
                    String[] event = line.substring(6).split(" ", 2);
                    String name = event[0];
                    Action action = actions.get(name);
                    if (action == null) {
                        throw new AssertionError("no action for event " + name);
                    }
                    action.run(event.length > 1 ? event[1] : "");
                    control.write(("GO " + name + "\n").getBytes(StandardCharsets.UTF_8));
                    control.flush();
                } else if (line.startsWith("R ")) {
                    int eq = line.indexOf('=');
                    run.result.put(line.substring(2, eq), line.substring(eq + 1));
                } else if (line.equals("DONE")) {
                    done = true;
                }
            }
        } finally {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (!done) {
            throw new AssertionError("scenario ended without a result: " + String.join("\n", run.transcript));
        }
        return run;
    }

    String get(String key) {
        String v = result.get(key);
        if (v == null) {
            throw new AssertionError("no " + key + " in the scenario's result: " + result + "\n"
                    + String.join("\n", transcript));
        }
        return v;
    }

    long num(String key) {
        return Long.parseLong(get(key));
    }
}
