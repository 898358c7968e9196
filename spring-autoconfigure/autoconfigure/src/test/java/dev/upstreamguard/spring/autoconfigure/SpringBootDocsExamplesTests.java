package dev.upstreamguard.spring.autoconfigure;

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
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java block of docs/spring-boot.md compiles against this Boot line. A block follows a marker
 * {@code <!-- compiled-example: ClassName [boot4] -->}; blocks marked boot4 are compiled on Boot 4 lines only.
 */
class SpringBootDocsExamplesTests {
    private static final Path PAGE = Path.of("..", "..", "docs", "spring-boot.md");
    private static final Pattern EXAMPLE = Pattern.compile(
            "<!-- compiled-example: (\\w+)( boot4)? -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyJavaBlockOfThePageIsAMarkedExample() throws IOException {
        String page = Files.readString(PAGE);
        long blocks = Pattern.compile("```java\\n").matcher(page).results().count();
        assertThat(examples(page)).hasSize((int) blocks).isNotEmpty();
    }

    @Test
    void theExamplesCompile(@TempDir Path out) throws IOException {
        List<String[]> examples = examples(Files.readString(PAGE));
        List<JavaFileObject> sources = new ArrayList<>();
        for (String[] example : examples) {
            if (example[1] == null || BootLine.BOOT_4) {
                sources.add(source(example[0], example[2]));
            }
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean ok = compiler.getTask(diagnostics, null, null,
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")), null, sources)
                .call();
        assertThat(ok).as("docs/spring-boot.md examples compile:%n%s", diagnostics).isTrue();
        for (JavaFileObject source : sources) {
            String name = source.getName().substring(1).replace(".java", ".class");
            assertThat(out.resolve(name)).exists();
        }
    }

    private static List<String[]> examples(String page) {
        List<String[]> examples = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(page);
        while (m.find()) {
            examples.add(new String[] { m.group(1), m.group(2), m.group(3) });
        }
        return examples;
    }

    private static JavaFileObject source(String className, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }
}
