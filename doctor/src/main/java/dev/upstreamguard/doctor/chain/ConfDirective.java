package dev.upstreamguard.doctor.chain;

import java.util.ArrayList;
import java.util.List;

/**
 * One directive of a brace-structured configuration (nginx): its name, arguments, where it is, and its block's
 * directives when it opens one ({@code null} otherwise).
 */
record ConfDirective(String name, List<String> args, String file, int line, List<ConfDirective> block) {
    String where() {
        return file + ":" + line;
    }

    String arg(int i) {
        return i < args.size() ? args.get(i) : "";
    }

    /** The directives named {@code name} directly in this block. */
    List<ConfDirective> all(String name) {
        List<ConfDirective> out = new ArrayList<>();
        if (block != null) {
            for (ConfDirective d : block) {
                if (d.name.equals(name)) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    /** The last directive named {@code name} directly in this block, or {@code null}. */
    ConfDirective last(String name) {
        List<ConfDirective> all = all(name);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * Parses nginx syntax: directives end with {@code ;}, blocks are in braces, {@code #} starts a comment, quotes
     * group. {@code nginx -T} markers ({@code # configuration file /etc/nginx/nginx.conf:}) switch the file name and
     * restart the line count, so positions name the real file.
     */
    static List<ConfDirective> parseNginx(String text, String source) {
        Parser p = new Parser(text, source);
        List<ConfDirective> top = p.block(0, null);
        return top;
    }

    private static final class Parser {
        private final String s;
        private int i;
        private String file;
        private int line = 1;

        Parser(String s, String source) {
            this.s = s;
            this.file = source;
        }

        List<ConfDirective> block(int depth, ConfDirective opener) {
            if (depth > 50) {
                throw new ChainInputException(file + ":" + line, "blocks nested more than 50 deep");
            }
            List<ConfDirective> out = new ArrayList<>();
            List<String> words = new ArrayList<>();
            int startLine = line;
            String startFile = file;
            while (true) {
                String t = token();
                if (t == null) {
                    if (opener != null) {
                        throw new ChainInputException(opener.where(), "block '" + opener.name()
                                + "' is not closed: a '}' is missing");
                    }
                    if (!words.isEmpty()) {
                        throw new ChainInputException(startFile + ":" + startLine, "directive '" + words.get(0)
                                + "' does not end with ';'");
                    }
                    return out;
                }
                if (t.equals(";") || t.equals("{")) {
                    if (words.isEmpty()) {
                        throw new ChainInputException(file + ":" + line, "unexpected '" + t + "'");
                    }
                    ConfDirective d = new ConfDirective(words.get(0), List.copyOf(words.subList(1, words.size())),
                            startFile, startLine, null);
                    if (t.equals("{")) {
                        d = new ConfDirective(d.name, d.args, d.file, d.line, block(depth + 1, d));
                    }
                    out.add(d);
                    words.clear();
                } else if (t.equals("}")) {
                    if (opener == null) {
                        throw new ChainInputException(file + ":" + line, "unexpected '}'");
                    }
                    if (!words.isEmpty()) {
                        throw new ChainInputException(startFile + ":" + startLine, "directive '" + words.get(0)
                                + "' does not end with ';'");
                    }
                    return out;
                } else {
                    if (words.isEmpty()) {
                        startLine = line;
                        startFile = file;
                    }
                    words.add(t.startsWith("\u0000") ? t.substring(1) : t);
                }
            }
        }

        /** The next token: a word (quoted words start with NUL so that ";" in quotes is not a separator), or null. */
        String token() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    int end = s.indexOf('\n', i);
                    end = end < 0 ? s.length() : end;
                    String comment = s.substring(i, end);
                    i = end;
                    if (comment.startsWith("# configuration file ") && comment.endsWith(":")) {
                        file = comment.substring(21, comment.length() - 1).strip();
                        line = 0; // the newline that ends this comment makes the next line 1
                    }
                } else {
                    break;
                }
            }
            if (i >= s.length()) {
                return null;
            }
            char c = s.charAt(i);
            if (c == '{' || c == '}' || c == ';') {
                i++;
                return String.valueOf(c);
            }
            StringBuilder b = new StringBuilder();
            if (c == '"' || c == '\'') {
                int open = line;
                i++;
                while (i < s.length() && s.charAt(i) != c) {
                    char d = s.charAt(i);
                    if (d == '\\' && i + 1 < s.length()) {
                        d = s.charAt(++i);
                    }
                    if (d == '\n') {
                        line++;
                    }
                    b.append(d);
                    i++;
                }
                if (i >= s.length()) {
                    throw new ChainInputException(file + ":" + open, "a quoted string is not closed");
                }
                i++;
                return "\u0000" + b;
            }
            while (i < s.length()) {
                char d = s.charAt(i);
                if (Character.isWhitespace(d) || d == '{' || d == '}' || d == ';') {
                    break;
                }
                b.append(d);
                i++;
            }
            return b.toString();
        }
    }
}
