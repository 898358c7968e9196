package dev.upstreamguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.upstreamguard.servlet");

    @Test
    void spiDependsOnNeitherFilterNorInternals() {
        assertHolds(noClasses().that().resideInAPackage("..servlet.spi..")
                .should().dependOnClassesThat().resideInAnyPackage("..servlet.internal..")
                .orShould().dependOnClassesThat().haveSimpleName("UpstreamGuardFilter")
                );
    }

    @Test
    void publicApiExposesNoInternalType() {
        assertHolds(methods().that().arePublic().and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
                .and().areDeclaredInClassesThat().arePublic()
                .should(new ArchCondition<JavaMethod>("not expose internal types") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        boolean leaks = method.getRawReturnType().getPackageName().contains(".internal")
                                || method.getRawParameterTypes().stream()
                                        .anyMatch(p -> p.getPackageName().contains(".internal"));
                        events.add(new SimpleConditionEvent(method, !leaks, method.getFullName()));
                    }
                })
                );
    }

    @Test
    void mainCodeUsesOnlyTheServletApiNotAContainer() {
        assertHolds(noClasses().should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..",
                "org.apache.catalina..", "io.undertow..", "org.springframework.."));
    }

    @Test
    void publicTypesAreFinalOrInterfaces() {
        assertHolds(com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes().that().arePublic()
                .and().areNotInterfaces().and().areNotEnums().and().areNotMemberClasses()
                .should().haveModifier(JavaModifier.FINAL));
    }

    /** Fails with ArchUnit's report of every violation when {@code rule} does not hold for the main classes. */
    private static void assertHolds(ArchRule rule) {
        EvaluationResult result = rule.evaluate(MAIN);
        assertThat(result.hasViolation()).as("%s", result.getFailureReport()).isFalse();
    }
}
