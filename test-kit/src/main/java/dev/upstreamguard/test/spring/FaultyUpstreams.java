package dev.upstreamguard.test.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts one {@link dev.upstreamguard.test.FaultyUpstream} per name for a Spring test context and points
 * {@code upstream-guard.upstreams.<name>.base-uri} at it:
 *
 * <pre>{@code
 * @SpringBootTest
 * @FaultyUpstreams("users")
 * class CheckoutTest {
 *     @Autowired ApplicationContext context;
 *
 *     @Test
 *     void answers502WhenUsersResets() {
 *         FaultyUpstreamBeans.get(context, "users").respond(Fault.resetAfterRequest());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The servers live as long as the context (Spring caches contexts across test classes with the same
 * configuration, so a test sets the fault it needs rather than relying on a previous one) and are closed with it.
 * Each is a bean named {@code faultyUpstream.<name>}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface FaultyUpstreams {
    /** Upstream names as configured under {@code upstream-guard.upstreams}. */
    String[] value();
}
