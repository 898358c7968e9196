package dev.upstreamguard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs' Java fragments (blocks marked {@code <!-- compiled-fragment (given: Type name, ...) -->}) compile against
 * the current API. This module's test class path holds every published module and Spring's web stack, so one test
 * covers them all: a fragment of statements becomes the body of a method whose parameters are the givens, a fragment
 * that declares a class is compiled as it is; both get the imports below. A line {@code ...} stands for elided code.
 */
class DocsFragmentsTest {
    private static final Path ROOT = Path.of("..", "..");
    private static final Pattern FRAGMENT = Pattern.compile(
            "<!-- compiled-fragment(?: \\(given: ([^)]*)\\))? -->\\n```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern DECLARED_CLASS = Pattern.compile("\\s*(?:@\\w+\\s+)*(?:public |final )*class (\\w+)");
    private static final String IMPORTS = """
            import static java.nio.charset.StandardCharsets.UTF_8;
            import dev.upstreamguard.core.*;
            import dev.upstreamguard.core.classify.*;
            import dev.upstreamguard.core.deadline.*;
            import dev.upstreamguard.core.retry.*;
            import dev.upstreamguard.core.validate.*;
            import dev.upstreamguard.servlet.*;
            import dev.upstreamguard.doctor.*;
            import dev.upstreamguard.doctor.chain.*;
            import dev.upstreamguard.doctor.evidence.*;
            import dev.upstreamguard.doctor.probe.*;
            import java.io.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import java.util.function.*;
            import javax.net.ssl.*;
            import jakarta.servlet.*;
            import jakarta.servlet.http.*;
            import org.apache.hc.client5.http.protocol.HttpClientContext;
            import org.apache.hc.core5.http.ClassicHttpRequest;
            import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
            import org.springframework.beans.factory.annotation.Qualifier;
            import org.springframework.web.bind.annotation.*;
            import org.springframework.web.client.RestClient;
            """;

    @Test
    void everyDocsFragmentCompiles(@TempDir Path out) throws IOException {
        List<String> failures = new ArrayList<>();
        int fragments = 0;
        for (Path page : pages()) {
            String text = Files.readString(page);
            Matcher m = FRAGMENT.matcher(text);
            while (m.find()) {
                fragments++;
                String where = ROOT.relativize(page) + ":" + (text.substring(0, m.start()).lines().count() + 1);
                String code = m.group(2).replaceAll("(?m)^(\\s*)\\.\\.\\.\\s*$", "$1// ...");
                Matcher declared = DECLARED_CLASS.matcher(code);
                boolean isClass = declared.lookingAt();
                String className = isClass ? declared.group(1) : "Fragment" + fragments;
                String source = IMPORTS + (isClass ? code
                        : "class " + className + " {\n@SuppressWarnings(\"unused\")\nvoid run("
                                + (m.group(1) == null ? "" : m.group(1)) + ") throws Exception {\n" + code + "}\n}\n");
                String errors = compile(className, source, out);
                if (errors != null) {
                    failures.add(where + "\n" + errors);
                }
            }
        }
        assertThat(fragments).as("compiled fragments in README.md and docs/").isGreaterThanOrEqualTo(10);
        assertThat(failures).as("fragments that do not compile").isEmpty();
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Compiler diagnostics, or null when {@code source} compiled. */
    private static String compile(String className, String source, Path out) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean ok = compiler.getTask(diagnostics, null, null,
                List.of("-d", out.toString(), "-proc:none", "-classpath", System.getProperty("java.class.path")),
                null, List.of(file)).call();
        return ok ? null : diagnostics.toString();
    }
}
