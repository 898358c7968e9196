package dev.upstreamguard.examples.kitsample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/testing.md and the README show excerpts of this module's tests: each block marked {@code <!-- guide-example: File.java -->}
 * must appear in that file (lines compared without their indentation; a line {@code ...} separates excerpts), so
 * every example in the guide is code that compiles and passes here.
 */
class GuideExamplesTest {
    private static final List<Path> GUIDES = List.of(Path.of("..", "..", "docs", "testing.md"),
            Path.of("..", "..", "README.md"));
    private static final Path SOURCES = Path.of("src", "test", "java", "dev", "upstreamguard", "examples", "kitsample");
    private static final Pattern BLOCK = Pattern.compile("<!-- guide-example: ([A-Za-z]+\\.java) -->\\n```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    void everyGuideExampleIsPartOfATestThatRuns() throws IOException {
        List<String> missing = new ArrayList<>();
        int blocks = 0;
        for (Path guide : GUIDES) {
            Matcher m = BLOCK.matcher(Files.readString(guide));
            while (m.find()) {
                blocks++;
                String file = normalize(Files.readString(SOURCES.resolve(m.group(1))));
                for (String excerpt : m.group(2).split("(?m)^\\s*\\.\\.\\.\\s*$")) {
                    if (!file.contains(normalize(excerpt))) {
                        missing.add(guide.getFileName() + " -> " + m.group(1) + ":\n" + excerpt.strip());
                    }
                }
            }
        }
        assertThat(blocks).as("guide examples found").isGreaterThanOrEqualTo(20);
        assertThat(missing).as("guide excerpts not found in the tests").isEmpty();
    }

    @Test
    void theCheckNoticesAnExcerptThatDiffersFromTheCode() throws IOException {
        String file = normalize(Files.readString(SOURCES.resolve("PlainJUnitGuideTest.java")));

        assertThat(file).contains(normalize("server.upstream().respond(Fault.closeAfterRequest());"));
        assertThat(file).doesNotContain(normalize("server.upstream().respond(Fault.closeAfterRequests());"));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
