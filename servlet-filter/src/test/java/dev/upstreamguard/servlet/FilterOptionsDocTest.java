package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.servlet.testing.DocPages;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every option of {@link UpstreamGuardConfig.Builder}. */
class FilterOptionsDocTest {
    @Test
    void documentsEveryFilterOption() {
        String page = DocPages.doc("configuration.md");
        int start = page.indexOf("\n## Servlet filter\n");
        assertThat(start).as("docs/configuration.md has a '## Servlet filter' section").isPositive();
        String section = page.substring(start, page.indexOf("\n## ", start + 5));
        Set<String> options = new TreeSet<>();
        Arrays.stream(UpstreamGuardConfig.Builder.class.getMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers())
                        && m.getDeclaringClass() == UpstreamGuardConfig.Builder.class)
                .map(Method::getName)
                .filter(name -> !name.equals("build"))
                .forEach(options::add);
        assertThat(options).isNotEmpty().allSatisfy(option -> assertThat(section).contains("`" + option));
    }
}
