package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Spring Boot quick start compiles against the Boot line under test. */
class DocsExamplesTests {
    private static final String IMPORTS = """
            import org.springframework.beans.factory.annotation.Qualifier;
            import org.springframework.web.bind.annotation.GetMapping;
            import org.springframework.web.bind.annotation.PathVariable;
            import org.springframework.web.bind.annotation.RestController;
            import org.springframework.web.client.RestClient;
            """;

    @Test
    void readmeQuickStartControllerCompiles(@TempDir Path out) throws Exception {
        String readme = Files.readString(Path.of("..", "..", "README.md"));
        int marker = readme.indexOf("<!-- compiled-example: boot-quick");
        assertThat(marker).as("README marker").isPositive();
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        String source = IMPORTS + readme.substring(start, readme.indexOf("```", start));

        StringWriter diagnostics = new StringWriter();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///OrdersController.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        boolean ok = compiler.getTask(diagnostics, null, null,
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")),
                null, List.of(file)).call();
        assertThat(ok).as("README quick start compiles:%n%s", diagnostics).isTrue();
        assertThat(out.resolve("OrdersController.class")).exists();
    }
}
