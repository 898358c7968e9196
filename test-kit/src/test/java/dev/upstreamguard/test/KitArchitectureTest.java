package dev.upstreamguard.test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit works without JUnit or Spring at run time: only their own packages may use them. */
class KitArchitectureTest {
    private static final JavaClasses KIT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.upstreamguard.test");

    @Test
    void onlyTheJunitPackageUsesJunit() {
        EvaluationResult result = noClasses().that().resideOutsideOfPackage("dev.upstreamguard.test.junit..")
                .should().dependOnClassesThat().resideInAPackage("org.junit..").evaluate(KIT);

        assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    }

    @Test
    void onlyTheSpringPackageUsesSpring() {
        EvaluationResult result = noClasses().that().resideOutsideOfPackage("dev.upstreamguard.test.spring..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..").evaluate(KIT);

        assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    }

    @Test
    void theKitImportsClasses() {
        assertThat(KIT.containPackage("dev.upstreamguard.test.junit")).isTrue();
        assertThat(KIT.containPackage("dev.upstreamguard.test.spring")).isTrue();
    }
}
