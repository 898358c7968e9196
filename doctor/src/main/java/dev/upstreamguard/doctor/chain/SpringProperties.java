package dev.upstreamguard.doctor.chain;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Flat {@code key -> value} of a Spring {@code application.properties} or {@code application.yaml}, each value
 * with its line. Keys are normalised as Spring's relaxed binding does for kebab-case ({@code requestTimeout} and
 * {@code request_timeout} become {@code request-timeout}).
 *
 * <p>The YAML reader handles the subset configuration files use: nested block mappings by indentation (spaces),
 * plain, single- and double-quoted scalars, comments. It skips lists ({@code - item}), flow collections and block
 * scalars ({@code |}, {@code >}), and reads only the first document (nothing after a {@code ---} line): profile
 * documents, anchors, aliases, tags and multi-line plain scalars are not supported. Bracketed map keys
 * ({@code upstreams[a.b]}) are not supported.
 */
final class SpringProperties {
    /** A value and the line it is on. */
    record Value(String text, int line) {
    }

    private SpringProperties() {
    }

    static Map<String, Value> read(String text, String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") ? yaml(text, file) : properties(text, file);
    }

    static Map<String, Value> properties(String text, String file) {
        Map<String, Value> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            int first = n;
            StringBuilder logical = new StringBuilder(lines[n].stripLeading());
            while (endsWithContinuation(logical) && n + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(lines[++n].stripLeading());
            }
            String line = logical.toString();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int sep = -1;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                    sep = i;
                    break;
                }
            }
            String key = sep < 0 ? line : line.substring(0, sep);
            String value = sep < 0 ? "" : line.substring(sep + 1).strip();
            if (sep >= 0 && Character.isWhitespace(line.charAt(sep)) && (value.startsWith("=")
                    || value.startsWith(":"))) {
                value = value.substring(1).strip();
            }
            out.put(normalise(key.replace("\\", ""), file, first + 1), new Value(value, first + 1));
        }
        return out;
    }

    private static boolean endsWithContinuation(CharSequence s) {
        int slashes = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            slashes++;
        }
        return slashes % 2 == 1;
    }

    static Map<String, Value> yaml(String text, String file) {
        Map<String, Value> out = new LinkedHashMap<>();
        Deque<int[]> indents = new ArrayDeque<>();
        Deque<String> prefixes = new ArrayDeque<>();
        String[] lines = text.split("\r?\n", -1);
        int skipDeeperThan = -1;
        for (int n = 0; n < lines.length; n++) {
            String raw = lines[n];
            if (raw.strip().equals("---") && n > 0 && !out.isEmpty()) {
                break;
            }
            String content = stripComment(raw);
            if (content.isBlank() || content.strip().equals("---")) {
                continue;
            }
            int indent = 0;
            while (indent < content.length() && content.charAt(indent) == ' ') {
                indent++;
            }
            if (content.charAt(indent) == '\t') {
                throw new ChainInputException(file + ":" + (n + 1), "a tab indents this line; YAML indents with "
                        + "spaces");
            }
            if (skipDeeperThan >= 0) {
                if (indent > skipDeeperThan) {
                    continue;
                }
                skipDeeperThan = -1;
            }
            String line = content.strip();
            if (line.startsWith("- ") || line.equals("-")) {
                skipDeeperThan = indent;
                continue; // a list item: not a value the chain needs
            }
            int colon = keyColon(line);
            if (colon < 0) {
                throw new ChainInputException(file + ":" + (n + 1), "expected 'key: value', found '"
                        + shorten(line) + "'");
            }
            while (!indents.isEmpty() && indents.peek()[0] >= indent) {
                indents.pop();
                prefixes.pop();
            }
            String key = unquote(line.substring(0, colon).strip());
            String value = line.substring(colon + 1).strip();
            String full = (prefixes.isEmpty() ? "" : prefixes.peek() + ".") + key;
            if (value.isEmpty()) {
                indents.push(new int[] {indent});
                prefixes.push(full);
            } else if (value.startsWith("|") || value.startsWith(">")) {
                skipDeeperThan = indent;
            } else if (value.startsWith("[") || value.startsWith("{") || value.startsWith("&")
                    || value.startsWith("*") || value.startsWith("!")) {
                continue; // flow collections, anchors, aliases, tags: not read
            } else {
                out.put(normalise(full, file, n + 1), new Value(unquote(value), n + 1));
            }
        }
        return out;
    }

    /** The colon that ends the key (outside quotes, followed by a space or the end), or -1. */
    private static int keyColon(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ':' && (i + 1 == line.length() || line.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** Relaxed binding for the keys the chain reads: camelCase and snake_case to kebab-case, lower case. */
    static String normalise(String key, String file, int line) {
        if (key.indexOf('[') >= 0) {
            throw new ChainInputException(file + ":" + line, "bracketed keys are not supported: '" + shorten(key)
                    + "'");
        }
        StringBuilder b = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && key.charAt(i - 1) != '.' && key.charAt(i - 1) != '-') {
                    b.append('-');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c == '_' ? '-' : c);
            }
        }
        return b.toString();
    }

    static String shorten(String s) {
        String p = dev.upstreamguard.doctor.internal.TextTable.printable(s);
        return p.length() > 60 ? p.substring(0, 60) + "..." : p;
    }
}
