package dev.upstreamguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** Keeps the module's shape: core knows nothing of servlets or Spring, and concept packages stay acyclic. */
class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.upstreamguard.core");

    @Test
    void coreHasNoServletOrSpringDependency() {
        assertHolds(noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("jakarta.servlet..", "javax.servlet..", "org.springframework.."));
    }

    @Test
    void conceptPackagesDoNotReachIntoInternals() {
        assertHolds(noClasses().that().resideInAnyPackage("..core.classify..", "..core.deadline..", "..core.retry..",
                "..core.metrics..", "..core.validate..")
                .should().dependOnClassesThat().resideInAPackage("..core.internal.."));
    }

    @Test
    void conceptPackagesAreFreeOfCycles() {
        assertHolds(slices().matching("dev.upstreamguard.core.(classify|deadline|retry|metrics)..")
                .should().beFreeOfCycles());
    }

    @Test
    void publicTypesOutsideInternalAreFinalOrInterfacesOrEnums() {
        assertHolds(classes().that().arePublic().and().resideOutsideOfPackage("..internal..").and().areNotInterfaces()
                .and().areNotEnums().and().areNotRecords().and().areTopLevelClasses()
                .should().haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL));
    }

    /** Fails with ArchUnit's report of every violation when {@code rule} does not hold for the main classes. */
    private static void assertHolds(ArchRule rule) {
        EvaluationResult result = rule.evaluate(CORE);
        assertThat(result.hasViolation()).as("%s", result.getFailureReport()).isFalse();
    }
}
