package dev.upstreamguard.test.assertion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the top-level members of a JSON object whose values are strings, numbers, booleans or null (nested objects
 * and arrays are kept as their raw text): enough for an RFC 9457 problem document. Not a general parser.
 */
final class FlatJson {
    private final String s;
    private int i;

    private FlatJson(String s) {
        this.s = s;
    }

    /** The members, or {@code null} if {@code text} is not a JSON object this reader understands. */
    static Map<String, Object> members(String text) {
        try {
            return new FlatJson(text).object();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> members = new LinkedHashMap<>();
        expect('{');
        if (peek() == '}') {
            i++;
            return members;
        }
        while (true) {
            String name = string();
            expect(':');
            members.put(name, value());
            char c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected , or }");
            }
        }
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            int start = i;
            skipNested();
            return s.substring(start, i);
        }
        int start = i;
        while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        String word = s.substring(start, i);
        switch (word) {
            case "true": return Boolean.TRUE;
            case "false": return Boolean.FALSE;
            case "null": return null;
            default:
                return word.matches("-?\\d+") ? (Object) Long.valueOf(word) : (Object) Double.valueOf(word);
        }
    }

    private void skipNested() {
        int depth = 0;
        do {
            char c = s.charAt(i);
            if (c == '"') {
                string();
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            i++;
        } while (depth > 0);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'u':
                    out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                    break;
                default: out.append(e);
            }
        }
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected " + c);
        }
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private char peek() {
        while (Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return s.charAt(i);
    }
}
