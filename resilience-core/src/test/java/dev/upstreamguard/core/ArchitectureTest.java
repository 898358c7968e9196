package dev.upstreamguard.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module's shape: core knows nothing of servlets or Spring, and concept packages stay acyclic. */
class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.upstreamguard.core");

    @Test
    void coreHasNoServletOrSpringDependency() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "javax.servlet..",
                "org.springframework..").check(CORE);
    }

    @Test
    void conceptPackagesDoNotReachIntoInternals() {
        noClasses().that().resideInAnyPackage("..core.classify..", "..core.deadline..", "..core.retry..",
                "..core.metrics..", "..core.validate..")
                .should().dependOnClassesThat().resideInAPackage("..core.internal..").check(CORE);
    }

    @Test
    void conceptPackagesAreFreeOfCycles() {
        slices().matching("dev.upstreamguard.core.(classify|deadline|retry|metrics)..").should().beFreeOfCycles()
                .check(CORE);
    }

    @Test
    void publicTypesOutsideInternalAreFinalOrInterfacesOrEnums() {
        classes().that().arePublic().and().resideOutsideOfPackage("..internal..").and().areNotInterfaces()
                .and().areNotEnums().and().areNotRecords().and().areTopLevelClasses()
                .should().haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL).check(CORE);
    }
}
