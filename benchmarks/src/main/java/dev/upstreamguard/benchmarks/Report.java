package dev.upstreamguard.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The content of BENCHMARKS.md, filled section by section, with the target checks gathered for a summary. */
final class Report {
    /** One target: what was asked, what was measured, and whether it was met. */
    record Check(String area, String target, String measured, boolean met) {
    }

    private final List<String> sections = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();

    void section(String markdown) {
        sections.add(markdown.strip() + "\n");
    }

    void check(String area, String target, String measured, boolean met) {
        checks.add(new Check(area, target, measured, met));
    }

    List<String> sections() {
        return sections;
    }

    List<Check> checks() {
        return checks;
    }

    /** A Markdown table. */
    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            b.append(i == 0 ? " --- |" : " ---: |");
        }
        b.append('\n');
        for (List<String> row : rows) {
            b.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return b.toString();
    }

    /** {@code v} with {@code decimals} decimals, or "n/a". */
    static String f(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** A ratio as "1.013x". */
    static String x(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.3fx", ratio);
    }

    /** "median (min-max)". */
    static String spread(double median, double min, double max, int decimals) {
        return f(median, decimals) + " (" + f(min, decimals) + "–" + f(max, decimals) + ")";
    }

    static String ratioSpread(double median, double min, double max) {
        return x(median) + " (" + f(min, 3) + "–" + f(max, 3) + ")";
    }
}
