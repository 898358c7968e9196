package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.classify.FailureKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The HTML templates, read and parsed once at start-up. For a failure the most specific one wins:
 * {@code error-<kind>.html} (e.g. {@code error-circuit_open.html}), {@code error-<proxy-status error type>.html}
 * (e.g. {@code error-connection_refused.html}), {@code error-<status>.html}, {@code error-5xx.html},
 * {@code error.html}, then the built-in page. Each name is looked up in every location in order.
 */
public final class ErrorTemplates {
    /** The placeholders a template may use. */
    public static final Set<String> NAMES = Set.of("status", "title", "headline", "retryAdvice", "sentAdvice",
            "ownerAdvice", "details", "correlationId", "kind", "errorType", "retryable", "retryAfterSeconds",
            "retryAfterText", "requestSent", "upstream", "upstreamLabel", "upstreamState", "upstreamFailed",
            "siteLabel", "siteState", "siteFailed", "instance");

    static final String BUILT_IN = "/dev/upstreamguard/servlet/internal/error-page.html";

    private final Template[] byKind = new Template[FailureKind.values().length];
    private final Template[] byStatus = new Template[100];
    private final Template builtIn;
    private final Template any5xx;

    private ErrorTemplates(List<String> locations, ClassLoader loader) {
        Template generic = find(locations, loader, "error.html");
        Template fiveXx = find(locations, loader, "error-5xx.html");
        this.any5xx = fiveXx != null ? fiveXx : generic;
        for (FailureKind kind : FailureKind.values()) {
            Template t = find(locations, loader, "error-" + kind.tagValue() + ".html");
            if (t == null && kind.errorType() != null) {
                t = find(locations, loader, "error-" + kind.errorType() + ".html");
            }
            byKind[kind.ordinal()] = t;
        }
        for (int i = 0; i < 100; i++) {
            byStatus[i] = find(locations, loader, "error-" + (500 + i) + ".html");
        }
        this.builtIn = Template.parse(read(ErrorTemplates.class.getResourceAsStream(BUILT_IN), BUILT_IN),
                "built-in " + BUILT_IN, NAMES);
    }

    /** Reads and parses every template in {@code locations}; fails naming the file when one is invalid. */
    public static ErrorTemplates load(List<String> locations, ClassLoader loader) {
        return new ErrorTemplates(locations, loader);
    }

    /** The template for a failure ({@code kind} null for an application sendError) with {@code status}. */
    public Template select(FailureKind kind, int status) {
        Template t = kind == null ? null : byKind[kind.ordinal()];
        if (t == null && status >= 500 && status <= 599) {
            t = byStatus[status - 500];
        }
        if (t == null) {
            t = any5xx;
        }
        return t != null ? t : builtIn;
    }

    private static Template find(List<String> locations, ClassLoader loader, String name) {
        for (String location : locations) {
            String origin = location + name;
            String source = location.startsWith("classpath:") ? classpath(loader, location, name) : file(location, name);
            if (source != null) {
                return Template.parse(source, origin, NAMES);
            }
        }
        return null;
    }

    private static String classpath(ClassLoader loader, String location, String name) {
        String path = location.substring("classpath:".length());
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        InputStream in = loader.getResourceAsStream(path + name);
        return in == null ? null : read(in, location + name);
    }

    private static String file(String location, String name) {
        String dir = location.substring("file:".length());
        Path path = dir.startsWith("//") ? Path.of(URI.create(location)).resolve(name) : Path.of(dir, name);
        if (!Files.isRegularFile(path)) {
            return null;
        }
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read error template " + path, e);
        }
    }

    private static String read(InputStream in, String origin) {
        if (in == null) {
            throw new IllegalStateException("Missing error template " + origin);
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read error template " + origin, e);
        }
    }
}
