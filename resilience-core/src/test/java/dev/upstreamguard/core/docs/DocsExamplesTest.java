package dev.upstreamguard.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Java block the pages mark {@code compiled-example: core} compiles against the current core API. */
class DocsExamplesTest {
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^(?:public |final )*class (\\w+)");

    @Test
    void everyCoreExampleCompiles(@TempDir Path out) {
        List<DocPages.Block> blocks = DocPages.blocksAfter("<!-- compiled-example: core");
        assertThat(blocks).as("core examples in README.md and docs/").hasSizeGreaterThanOrEqualTo(2);
        for (DocPages.Block block : blocks) {
            Matcher m = CLASS_NAME.matcher(block.text());
            assertThat(m.find()).as("%s declares a class", block).isTrue();
            compile(block, m.group(1), out.resolve(m.group(1)));
        }
    }

    /**
     * A Java block with no marker would be checked by nothing: each one names the test that compiles or runs it
     * ({@code compiled-example}, {@code compiled-fragment}, {@code guide-example}, or the starter's {@code boot4} /
     * {@code boot} markers).
     */
    @Test
    void everyJavaBlockIsCheckedByATest() {
        java.util.List<String> unchecked = new java.util.ArrayList<>();
        for (Path page : DocPages.all()) {
            String[] lines = DocPages.read(page).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].equals("```java") && (i == 0 || !lines[i - 1].startsWith("<!-- "))) {
                    unchecked.add(DocPages.ROOT.relativize(page) + ":" + (i + 1));
                }
            }
        }
        assertThat(unchecked).as("Java blocks without a marker naming the test that checks them").isEmpty();
    }

    private static void compile(DocPages.Block block, String className, Path out) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return block.text();
            }
        };
        boolean ok = compiler.getTask(diagnostics, null, null,
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")),
                null, List.of(file)).call();
        assertThat(ok).as("the example at %s compiles:%n%s", block, diagnostics).isTrue();
        assertThat(out.resolve(className + ".class")).exists();
    }
}
