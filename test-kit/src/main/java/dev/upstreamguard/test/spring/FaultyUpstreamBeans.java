package dev.upstreamguard.test.spring;

import dev.upstreamguard.test.FaultyUpstream;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Spring test helpers for the kit: the one {@code @DynamicPropertySource} line, and the servers started by
 * {@link FaultyUpstreams}. This package needs {@code spring-test} (and {@code spring-context}) at test time; the
 * rest of the kit does not.
 */
public final class FaultyUpstreamBeans {
    /** Prefix of the bean names of servers started by {@link FaultyUpstreams}. */
    public static final String BEAN_PREFIX = "faultyUpstream.";

    private FaultyUpstreamBeans() {
    }

    /**
     * Points {@code upstream-guard.upstreams.<name>.base-uri} at {@code server} (read when the context starts):
     *
     * <pre>{@code
     * @RegisterExtension static final FaultyUpstreamExtension users = new FaultyUpstreamExtension();
     *
     * @DynamicPropertySource
     * static void upstreams(DynamicPropertyRegistry registry) {
     *     FaultyUpstreamBeans.baseUri(registry, "users", users::upstream);
     * }
     * }</pre>
     */
    public static void baseUri(DynamicPropertyRegistry registry, String name, Supplier<FaultyUpstream> server) {
        Objects.requireNonNull(server, "server");
        registry.add(property(name), () -> server.get().baseUri());
    }

    /** The server {@link FaultyUpstreams} started for upstream {@code name} in {@code context}. */
    public static FaultyUpstream get(ApplicationContext context, String name) {
        return context.getBean(BEAN_PREFIX + checkName(name), FaultyUpstream.class);
    }

    static String property(String name) {
        return "upstream-guard.upstreams." + checkName(name) + ".base-uri";
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "upstream name must be 1..64 characters of [A-Za-z0-9._-], but was '" + name + "'");
        }
        return name;
    }
}
