package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Events of a flight recording, as printed by the JDK's {@code jfr} tool. */
final class JfrEvents {
    private static final Pattern START_TIME = Pattern.compile(
            "startTime = (\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) \\((\\d{4}-\\d\\d-\\d\\d)\\)");
    private final Path jfr;
    private final Path recording;

    private JfrEvents(Path jdk, Path recording) {
        this.jfr = jdk.resolve("bin/jfr");
        this.recording = recording;
    }

    static JfrEvents read(Path jdk, Path recording) {
        assertThat(recording).as("flight recording written at exit").isNotEmptyFile();
        return new JfrEvents(jdk, recording);
    }

    /** How many events of {@code type} the recording holds ({@code jfr summary}). */
    long count(String type) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(type) + "\\s+(\\d+)").matcher(run("summary"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The events of {@code type}, each as {@code jfr print} shows it. */
    List<String> events(String type) throws IOException, InterruptedException {
        String printed = run("print", "--stack-depth", "256", "--events", type);
        return Arrays.stream(printed.split("(?m)^" + Pattern.quote(type) + " \\{"))
                .filter(e -> e.contains("stackTrace")).toList();
    }

    /** Whether the pinned thread was running Upstream Guard's code: a {@code dev.upstreamguard} frame. */
    static boolean inUpstreamGuardCode(String event) {
        return event.contains("\n    dev.upstreamguard.");
    }

    /**
     * Whether the JDK pinned the thread while it loaded or initialized a class (Java 24+ still pins there): the
     * reason says so, or the top frame is the class loader.
     */
    static boolean classLoading(String event) {
        String stack = event.substring(event.indexOf("stackTrace"));
        String[] lines = stack.split("\n", 3);
        String top = lines.length > 1 ? lines[1] : "";
        return top.contains("ClassLoader.loadClass") || top.contains("BuiltinClassLoader.")
                || top.contains(".<clinit>(") || event.contains("pinnedReason = \"Waited for initialization")
                || event.contains("<clinit> on stack");
    }

    /** When the event started, in UTC (the {@code jfr} tool runs in UTC here). */
    static LocalDateTime startTime(String event) {
        Matcher m = START_TIME.matcher(event);
        assertThat(m.find()).as(event).isTrue();
        return LocalDateTime.parse(m.group(2) + "T" + m.group(1));
    }

    static String firstFrameOutsideJdk(String event) {
        for (String line : event.split("\n")) {
            String frame = line.strip();
            if (frame.contains("line:") && !frame.startsWith("java.") && !frame.startsWith("jdk.")
                    && !frame.startsWith("sun.")) {
                return frame;
            }
        }
        return "(JDK only)";
    }

    /** How often each first frame outside the JDK occurs, most frequent first. */
    static String topFrames(List<String> events) {
        return events.stream().collect(Collectors.groupingBy(JfrEvents::firstFrameOutsideJdk,
                Collectors.counting())).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .map(e -> "  " + e.getValue() + " x " + e.getKey()).collect(Collectors.joining("\n"));
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(jfr.toString(), "-J-Duser.timezone=UTC"));
        command.addAll(List.of(args));
        command.add(recording.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
