package dev.upstreamguard.reliability.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's report file ({@code reliability/target/kernel-faults-report.md}): its first line says whether the
 * suite ran or was skipped (CI fails when it was skipped), then one table row per case and the netem figures.
 */
final class KernelReport {
    static final String RAN = "KERNEL-FAULTS: ran";
    static final String SKIPPED = "KERNEL-FAULTS: skipped";

    private final Path file;
    private final List<String> rows = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();

    KernelReport(Path file) {
        this.file = file;
    }

    static Path defaultFile() {
        return Path.of(System.getProperty("kernel.report", "target/kernel-faults-report.md"));
    }

    void skipped(String reason) throws IOException {
        write(SKIPPED + " (" + reason + ")\n");
    }

    synchronized void row(String fault, String how, String kind, String status, String attempts, String elapsed,
            String layer, String coreChange) {
        row(fault, how, "-", kind, status, attempts, elapsed, layer, coreChange);
    }

    synchronized void row(String fault, String how, String cause, String kind, String status, String attempts,
            String elapsed, String layer, String coreChange) {
        List<String> cells = List.of(fault, how, cause, kind, status, attempts, elapsed, layer, coreChange);
        rows.add("| " + String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList()) + " |");
    }

    synchronized void figure(String line) {
        figures.add(line);
    }

    synchronized void finish(long suiteMillis) throws IOException {
        StringBuilder b = new StringBuilder(RAN + ": " + rows.size() + " cases in " + suiteMillis + " ms\n\n");
        b.append("| fault | how the kernel was told | Java exception | kind | status | attempts | elapsed / deadline"
                + " (ms) | layer in log | core change |\n|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        b.append("\n");
        figures.forEach(f -> b.append(f).append('\n'));
        write(b.toString());
        System.out.println(b);
    }

    private void write(String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
