package dev.upstreamguard.spring.autoconfigure;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Keeps the module in the shape of Spring Boot's own auto-configurations. */
class ArchitectureTests {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.upstreamguard.spring.autoconfigure");

    @Test
    void autoConfigurationsArePublicAndFinal() {
        classes().that().areAnnotatedWith(AutoConfiguration.class).should().bePublic().andShould()
                .haveModifier(JavaModifier.FINAL).check(MAIN);
    }

    @Test
    void beanMethodsArePackagePrivate() {
        methods().that().areAnnotatedWith(Bean.class).should().notBePublic().andShould().notBeProtected()
                .andShould().notBePrivate().check(MAIN);
    }

    @Test
    void usesNoInternalsOfCoreOrTheServletFilter() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.upstreamguard.core.internal..", "dev.upstreamguard.servlet.internal..")
                .check(MAIN);
    }

    @Test
    void everyAutoConfigurationIsRegisteredInTheImportsFile() throws IOException {
        Set<String> declared = MAIN.stream().filter(c -> c.isAnnotatedWith(AutoConfiguration.class))
                .map(c -> c.getName()).collect(Collectors.toSet());
        assertThat(declared).containsExactlyInAnyOrderElementsOf(registered());
    }

    private static Set<String> registered() throws IOException {
        try (InputStream in = ArchitectureTests.class.getResourceAsStream(
                "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R"))
                    .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toSet());
        }
    }
}
