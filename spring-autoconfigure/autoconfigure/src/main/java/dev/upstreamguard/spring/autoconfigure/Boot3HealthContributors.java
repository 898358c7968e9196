package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.util.ClassUtils;

/**
 * Builds Spring Boot 3.5's health contributors by name: a {@code CompositeHealthContributor} of one
 * {@code HealthIndicator} per upstream, each a proxy answering {@code health()} with {@link UpstreamHealth}. Only
 * the stable, public 3.5 API is used: {@code CompositeHealthContributor.fromMap(Map)},
 * {@code Health.status(String)}, {@code Health.Builder.withDetails(Map)} and {@code build()}.
 */
final class Boot3HealthContributors {
    static final String BEAN_NAME = "upstreamGuardHealthContributor";
    static final String HEALTH_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
    static final String COMPOSITE = "org.springframework.boot.actuate.health.CompositeHealthContributor";
    private static final String HEALTH = "org.springframework.boot.actuate.health.Health";

    private final ClassLoader classLoader;
    private final Class<?> indicatorType;
    private final Method fromMap;
    private final Method status;
    private final Method withDetails;
    private final Method build;

    Boot3HealthContributors(ClassLoader classLoader) {
        this.classLoader = classLoader;
        try {
            this.indicatorType = ClassUtils.forName(HEALTH_INDICATOR, classLoader);
            this.fromMap = ClassUtils.forName(COMPOSITE, classLoader).getMethod("fromMap", Map.class);
            Class<?> health = ClassUtils.forName(HEALTH, classLoader);
            this.status = health.getMethod("status", String.class);
            Class<?> builder = status.getReturnType();
            this.withDetails = builder.getMethod("withDetails", Map.class);
            this.build = builder.getMethod("build");
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("Spring Boot 3.5's health API is not as expected: " + e, e);
        }
    }

    /** The composite of one indicator per upstream, keyed by the upstream's name. */
    Object composite(List<Upstream> upstreams) {
        Map<String, Object> indicators = new LinkedHashMap<>();
        upstreams.forEach(upstream -> indicators.put(upstream.name(), indicator(upstream)));
        return invoke(fromMap, null, indicators);
    }

    /** A {@code HealthIndicator} whose {@code health()} describes {@code upstream}. */
    Object indicator(Upstream upstream) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("health") && method.getParameterCount() == 0) {
                return health(UpstreamHealth.of(upstream));
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return switch (method.getName()) {
                case "toString" -> "UpstreamHealthIndicator[" + upstream.name() + "]";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.getName());
            };
        };
        return Proxy.newProxyInstance(classLoader, new Class<?>[] { indicatorType }, handler);
    }

    private Object health(UpstreamHealth health) {
        Object builder = invoke(status, null, health.status());
        return invoke(build, invoke(withDetails, builder, health.details()));
    }

    private static Object invoke(Method method, Object target, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }
}
