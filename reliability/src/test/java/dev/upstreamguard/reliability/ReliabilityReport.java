package dev.upstreamguard.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one test run, written to {@code target/reliability-report.md} (rewritten after each section, so
 * a run that stops half-way still leaves the sections it finished) and echoed to stdout as {@code RELIABILITY}
 * lines for the build log. One report per test JVM: the first section of a run replaces the previous run's file.
 */
final class ReliabilityReport {
    private static final Path FILE = Path.of(System.getProperty("reliability.report", "target/reliability-report.md"));
    private static final Instant STARTED = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Map<String, Section> SECTIONS = new LinkedHashMap<>();

    private ReliabilityReport() {
    }

    /** Starts a section; {@link Section#write()} adds it to the report. */
    static Section section(String title) {
        return new Section(title);
    }

    private static synchronized void add(Section section) {
        SECTIONS.put(section.title, section);
        StringBuilder md = new StringBuilder()
                .append("# Upstream Guard reliability report\n\n")
                .append("Run started ").append(STARTED).append("; Java ").append(System.getProperty("java.version"))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, max heap ")
                .append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MiB.\n");
        for (Section s : SECTIONS.values()) {
            md.append("\n## ").append(s.title).append("\n\n");
            if (!s.settings.isEmpty()) {
                md.append(String.join("; ", s.settings)).append(".\n\n");
            }
            md.append("| figure | value |\n| --- | --- |\n");
            for (String[] f : s.figures) {
                md.append("| ").append(f[0]).append(" | ").append(f[1]).append(" |\n");
            }
            for (String note : s.notes) {
                md.append("\n").append(note).append("\n");
            }
        }
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            Files.writeString(FILE, md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE, e);
        }
    }

    /** One test's figures. Not thread-safe: filled by the test's main thread. */
    static final class Section {
        private final String title;
        private final List<String> settings = new ArrayList<>();
        private final List<String[]> figures = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        private Section(String title) {
            this.title = title;
        }

        /** A parameter of the run (duration, seed, concurrency...). */
        Section setting(String name, Object value) {
            settings.add(name + " " + value);
            return this;
        }

        /** A measured figure; also printed as a RELIABILITY line. */
        Section figure(String name, Object value) {
            String text = value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(value);
            figures.add(new String[] {name, text});
            System.out.println("RELIABILITY " + title + " | " + name + " = " + text);
            return this;
        }

        /** A paragraph under the table. */
        Section note(String text) {
            notes.add(text);
            return this;
        }

        /** Adds (or replaces) this section in the report file. */
        void write() {
            add(this);
        }
    }
}
