package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.testing.DocPages;
import dev.upstreamguard.servlet.testing.Failures;
import dev.upstreamguard.servlet.testing.TestServer;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java examples compile against the current API and do what the README says. */
class DocsExamplesTest {

    @Test
    void registrationExampleCompilesAndGuardsRequests(@TempDir Path out) throws Exception {
        ClassLoader loader = compile(out, "servlet", "UpstreamGuardSetup");
        ServletContextListener setup = (ServletContextListener) loader.loadClass("UpstreamGuardSetup")
                .getDeclaredConstructor().newInstance();
        try (TestServer s = TestServer.builder().contextListener(setup)
                .servlet("/fail", (req, res) -> {
                    throw Failures.refused();
                })
                .start()) {
            HttpResponse<String> r = s.get("/fail", "Accept", "text/html", "X-Request-ID", "readme-1");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("<span class=\"who\">Example Shop</span>").contains("readme-1");
        }
    }

    @Test
    void rendererExampleCompilesAndRenders(@TempDir Path out) throws Exception {
        ClassLoader loader = compile(out, "renderer", "PlainJsonRenderer");
        ErrorRenderer renderer = (ErrorRenderer) loader.loadClass("PlainJsonRenderer").getDeclaredConstructor()
                .newInstance();
        try (TestServer s = TestServer.builder()
                .filter(new UpstreamGuardFilter(UpstreamGuardConfig.builder().renderer(renderer).build()))
                .servlet("/fail", (req, res) -> {
                    throw Failures.refused();
                })
                .start()) {
            HttpResponse<String> r = s.get("/fail", "Accept", "application/vnd.shop.error+json", "X-Request-ID", "r-2");
            assertThat(r.body()).isEqualTo("{\"code\":502,\"ref\":\"r-2\",\"retry\":true}");
        }
    }

    private static ClassLoader compile(Path out, String example, String className) throws IOException {
        String source = javaBlock("<!-- compiled-example: " + example);
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
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")),
                null, List.of(file)).call();
        assertThat(ok).as("README example %s compiles:%n%s", example, diagnostics).isTrue();
        return new URLClassLoader(new java.net.URL[] {out.toUri().toURL()}, DocsExamplesTest.class.getClassLoader());
    }

    private static String javaBlock(String marker) {
        return DocPages.blockAfter(marker);
    }
}
