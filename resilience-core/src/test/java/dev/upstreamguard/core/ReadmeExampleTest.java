package dev.upstreamguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

/** The README's core example must compile against the current API. */
class ReadmeExampleTest {
    private static final String MARKER = "<!-- compiled-example: core";

    @Test
    void readmeCoreExampleCompiles(@TempDir Path out) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("README marker").isPositive();
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        int end = readme.indexOf("```", start);
        String source = readme.substring(start, end);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///UsersClient.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean ok = compiler.getTask(diagnostics, null, null,
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")),
                null, List.of(file)).call();
        assertThat(ok).as("README example compiles:%n%s", diagnostics).isTrue();
        assertThat(out.resolve("UsersClient.class")).exists();
    }
}
