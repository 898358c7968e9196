package dev.upstreamguard.doctor.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for the CLI's human output: columns padded to their widest cell, the last column wrapped so
 * that a line stays within a width (100 columns by default). Control characters in cells are shown as {@code ?},
 * so hostile input cannot move the cursor or forge lines.
 */
public final class TextTable {
    /** The default line width. */
    public static final int DEFAULT_WIDTH = 100;

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;
    private final int width;

    /** A table with these column headings and the default width. */
    public TextTable(String... headings) {
        this(DEFAULT_WIDTH, headings);
    }

    /** A table with these column headings, its lines at most {@code width} characters. */
    public TextTable(int width, String... headings) {
        if (headings.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.columns = headings.length;
        this.width = width;
        rows.add(headings.clone());
    }

    /** Adds a row; missing cells are empty, extra cells are an error. */
    public TextTable row(String... cells) {
        if (cells.length > columns) {
            throw new IllegalArgumentException("a row has " + cells.length + " cells, the table " + columns);
        }
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            row[i] = i < cells.length ? printable(cells[i]) : "";
        }
        rows.add(row);
        return this;
    }

    /** The table as lines ending in {@code \n}. */
    public String render() {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        int indent = 0;
        for (int i = 0; i < columns - 1; i++) {
            indent += widths[i] + 2;
        }
        int last = Math.max(20, width - indent);
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < columns - 1; i++) {
                prefix.append(pad(row[i], widths[i])).append("  ");
            }
            List<String> wrapped = wrap(row[columns - 1], last);
            for (int l = 0; l < wrapped.size(); l++) {
                String line = (l == 0 ? prefix.toString() : " ".repeat(indent)) + wrapped.get(l);
                out.append(line.stripTrailing()).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code s} with every control character replaced by {@code ?}; {@code null} becomes {@code -}. */
    public static String printable(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = width;
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
        }
        lines.add(rest);
        return lines;
    }
}
