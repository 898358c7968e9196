package dev.upstreamguard.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.core.validate.ResponseValidation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every option of core's public builders, each in its own table. */
class DocsConfigurationTest {
    private static final String PAGE = DocPages.read(DocPages.ROOT.resolve("docs/configuration.md"));

    @Test
    void documentsEveryUpstreamBuilderOption() {
        assertDocumented(Upstream.Builder.class, "### Upstream builder options");
    }

    @Test
    void documentsEveryPolicyOption() {
        assertDocumented(UpstreamPolicy.Builder.class, "### Policy options");
    }

    @Test
    void documentsEveryRetryOption() {
        assertDocumented(RetryPolicy.Builder.class, "### `RetryPolicy` options");
    }

    @Test
    void documentsEveryValidationOption() {
        assertDocumented(ResponseValidation.Builder.class, "### `ResponseValidation` options");
    }

    private static void assertDocumented(Class<?> builder, String heading) {
        int start = PAGE.indexOf("\n" + heading + "\n");
        assertThat(start).as("docs/configuration.md has the section %s", heading).isPositive();
        int end = PAGE.indexOf("\n#", start + heading.length() + 2);
        String section = PAGE.substring(start, end < 0 ? PAGE.length() : end);
        Set<String> options = new TreeSet<>();
        Arrays.stream(builder.getMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getDeclaringClass() == builder)
                .map(Method::getName)
                .filter(name -> !List.of("build").contains(name))
                .forEach(options::add);
        assertThat(options).as("options of %s", builder.getName()).isNotEmpty();
        assertThat(options).as("options of %s missing from '%s' in docs/configuration.md", builder.getSimpleName(),
                heading).allSatisfy(option -> assertThat(section).contains("`" + option));
    }
}
