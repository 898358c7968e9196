package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.servlet.internal.Wording;
import dev.upstreamguard.servlet.testing.DocPages;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/failure-taxonomy.md says, for every failure kind, what the code does: error type, status, visitor's words. */
class FailureTaxonomyDocTest {
    private static final String PAGE = DocPages.doc("failure-taxonomy.md");

    @Test
    void everyKindHasARowMatchingTheCode() {
        for (FailureKind kind : FailureKind.values()) {
            List<String> rows = rows("| `" + kind.name() + "` |");
            assertThat(rows).as("rows for %s (one in each table)", kind).hasSize(2);
            String row = rows.get(0);
            assertThat(row).as("error type of %s", kind)
                    .contains(kind.errorType() == null ? "received-status" : "`" + kind.errorType() + "`");
            assertThat(row).as("status of %s", kind).contains("| " + kind.defaultStatus());
            assertThat(row).as("what the visitor sees for %s", kind)
                    .contains(Wording.headline(kind, kind.defaultStatus()))
                    .contains(Wording.upstreamState(kind, kind.defaultStatus()));
        }
    }

    @Test
    void documentsNoKindTheCodeLacks() {
        List<String> names = Arrays.stream(FailureKind.values()).map(Enum::name).toList();
        assertThat(rows("| `")).allSatisfy(row -> {
            String kind = row.substring(3, row.indexOf('`', 3));
            assertThat(names).as("kind %s in docs/failure-taxonomy.md", kind).contains(kind);
        });
    }

    private static List<String> rows(String prefix) {
        return PAGE.lines().filter(l -> l.startsWith(prefix)).toList();
    }
}
