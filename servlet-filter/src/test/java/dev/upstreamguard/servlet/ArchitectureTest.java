package dev.upstreamguard.servlet;

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
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.upstreamguard.servlet");

    @Test
    void spiDependsOnNeitherFilterNorInternals() {
        noClasses().that().resideInAPackage("..servlet.spi..")
                .should().dependOnClassesThat().resideInAnyPackage("..servlet.internal..")
                .orShould().dependOnClassesThat().haveSimpleName("UpstreamGuardFilter")
                .check(MAIN);
    }

    @Test
    void publicApiExposesNoInternalType() {
        methods().that().arePublic().and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
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
                .check(MAIN);
    }

    @Test
    void mainCodeUsesOnlyTheServletApiNotAContainer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "org.apache.catalina..",
                "io.undertow..", "org.springframework..").check(MAIN);
    }

    @Test
    void publicTypesAreFinalOrInterfaces() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes().that().arePublic()
                .and().areNotInterfaces().and().areNotEnums().and().areNotMemberClasses()
                .should().haveModifier(JavaModifier.FINAL).check(MAIN);
    }
}
