package dev.upstreamguard.spring.autoconfigure;

import java.util.Arrays;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/** What differs between the Spring Boot lines the tests run on (4.1 by default, 4.0 with -Pboot40, 3.5 with -Pboot3). */
final class BootLine {
    static final boolean BOOT_4 = ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator",
            BootLine.class.getClassLoader());
    /** The package of the health API, to hide it from a context. */
    static final String HEALTH_PACKAGE = BOOT_4 ? "org.springframework.boot.health" : "org.springframework.boot.actuate.health";

    private BootLine() {
    }

    /** The health auto-configuration that applies on this line (both ship in the one published jar). */
    static Class<?> health() {
        return BOOT_4 ? UpstreamGuardHealthAutoConfiguration.class : UpstreamGuardBoot3HealthAutoConfiguration.class;
    }

    /** The name of the other line's health auto-configuration, which must stay inert on this one. */
    static String otherLinesHealth() {
        return (BOOT_4 ? UpstreamGuardBoot3HealthAutoConfiguration.class : UpstreamGuardHealthAutoConfiguration.class)
                .getName();
    }

    /** The type by which Actuator collects health contributors on this line. */
    static Class<?> healthContributorType() {
        return ClassUtils.resolveClassName(HEALTH_PACKAGE + (BOOT_4 ? ".contributor.HealthContributor" : ".HealthContributor"),
                BootLine.class.getClassLoader());
    }

    /** Micrometer's auto-configurations with a simple registry. */
    static AutoConfigurations metrics() {
        return BOOT_4
                ? named("org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration")
                : named("org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
                        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
                        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration");
    }

    /** Boot's RestClient.Builder. */
    static AutoConfigurations restClient() {
        return BOOT_4
                ? named("org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration",
                        "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
                : named("org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration",
                        "org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration");
    }

    /** Boot's RestClient.Builder and RestTemplateBuilder. */
    static AutoConfigurations restTemplate() {
        return BOOT_4
                ? named("org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration",
                        "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
                        "org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration")
                : named("org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration",
                        "org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration",
                        "org.springframework.boot.autoconfigure.web.client.RestTemplateAutoConfiguration");
    }

    private static AutoConfigurations named(String... classNames) {
        return AutoConfigurations.of(Arrays.stream(classNames)
                .map(name -> ClassUtils.resolveClassName(name, BootLine.class.getClassLoader()))
                .toArray(Class<?>[]::new));
    }
}
