package dev.upstreamguard.servlet.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed HTML error template: text, {@code {{name}}} placeholders (always HTML-escaped) and sections
 * {@code {{#name}}...{{/name}}} (shown when the value is non-empty and not {@code false}) or
 * {@code {{^name}}...{{/name}}} (shown otherwise). Unknown names, unclosed sections and unescaped
 * {@code {{{name}}}} fail at parse time, naming the template: a broken page is found at start-up, not by a
 * visitor. Immutable and thread-safe.
 */
public final class Template {
    private sealed interface Node permits Text, Var, Section {
    }

    private record Text(String text) implements Node {
    }

    private record Var(String name) implements Node {
    }

    private record Section(String name, boolean inverted, List<Node> body) implements Node {
    }

    private final List<Node> nodes;
    private final String origin;

    private Template(List<Node> nodes, String origin) {
        this.nodes = nodes;
        this.origin = origin;
    }

    /** Where the template came from, e.g. {@code classpath:upstream-guard/error-502.html}. */
    public String origin() {
        return origin;
    }

    /**
     * Parses {@code source}.
     *
     * @param origin where it came from, for error messages
     * @param names  the placeholder names that exist
     */
    public static Template parse(String source, String origin, Set<String> names) {
        Deque<List<Node>> stack = new ArrayDeque<>();
        Deque<String> open = new ArrayDeque<>();
        Deque<Boolean> inverted = new ArrayDeque<>();
        stack.push(new ArrayList<>());
        int pos = 0;
        while (pos < source.length()) {
            int tag = source.indexOf("{{", pos);
            if (tag < 0) {
                stack.peek().add(new Text(source.substring(pos)));
                break;
            }
            if (tag > pos) {
                stack.peek().add(new Text(source.substring(pos, tag)));
            }
            int close = source.indexOf("}}", tag + 2);
            if (close < 0) {
                throw error(origin, source, tag, "unterminated {{");
            }
            String body = source.substring(tag + 2, close).trim();
            pos = close + 2;
            if (body.startsWith("{")) {
                throw error(origin, source, tag, "unescaped {{{...}}} placeholders are not supported");
            }
            char sigil = body.isEmpty() ? ' ' : body.charAt(0);
            String name = sigil == '#' || sigil == '^' || sigil == '/' ? body.substring(1).trim() : body;
            if (!names.contains(name)) {
                throw error(origin, source, tag, "unknown placeholder {{" + body + "}}; known: " + names);
            }
            if (sigil == '#' || sigil == '^') {
                open.push(name);
                inverted.push(sigil == '^');
                stack.push(new ArrayList<>());
            } else if (sigil == '/') {
                if (open.isEmpty() || !open.peek().equals(name)) {
                    throw error(origin, source, tag, "{{/" + name + "}} closes no open section");
                }
                List<Node> sectionBody = stack.pop();
                stack.peek().add(new Section(open.pop(), inverted.pop(), List.copyOf(sectionBody)));
            } else {
                stack.peek().add(new Var(name));
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("Error template " + origin + ": section {{#" + open.peek()
                    + "}} is not closed");
        }
        return new Template(List.copyOf(stack.pop()), origin);
    }

    /** Renders with {@code values} (missing names render as empty), escaping every value for HTML. */
    public String render(Map<String, String> values) {
        StringBuilder out = new StringBuilder(8192);
        render(nodes, values, out);
        return out.toString();
    }

    private static void render(List<Node> nodes, Map<String, String> values, StringBuilder out) {
        for (Node node : nodes) {
            if (node instanceof Text t) {
                out.append(t.text());
            } else if (node instanceof Var v) {
                Escape.html(values.get(v.name()), out);
            } else if (node instanceof Section s) {
                String value = values.get(s.name());
                boolean truthy = value != null && !value.isEmpty() && !value.equals("false");
                if (truthy != s.inverted()) {
                    render(s.body(), values, out);
                }
            }
        }
    }

    private static IllegalArgumentException error(String origin, String source, int at, String what) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException("Error template " + origin + " line " + line + ": " + what);
    }
}
