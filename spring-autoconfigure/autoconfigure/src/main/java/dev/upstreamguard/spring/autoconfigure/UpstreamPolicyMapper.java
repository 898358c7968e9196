package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.InvalidPolicyException;
import dev.upstreamguard.core.PolicyViolation;
import dev.upstreamguard.core.UpstreamPolicy;
import dev.upstreamguard.core.retry.RetryBudgetConfig;
import dev.upstreamguard.core.retry.RetryPolicy;
import dev.upstreamguard.core.validate.ResponseValidation;
import dev.upstreamguard.spring.autoconfigure.UpstreamGuardConfigurationException.Problem;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.springframework.util.StringUtils;

/** Turns the properties of one upstream into an {@link UpstreamPolicy}, reporting every bad value by property. */
final class UpstreamPolicyMapper {
    private final UpstreamGuardProperties global;

    UpstreamPolicyMapper(UpstreamGuardProperties global) {
        this.global = global;
    }

    /**
     * The policy of upstream {@code name}; problems go to {@code problems}.
     *
     * @return the policy, or {@code null} when a problem was found
     */
    UpstreamPolicy map(String name, UpstreamProperties p, Problems problems) {
        String at = PropertyNames.upstreamPrefix(name);
        UpstreamPolicy.Builder b = UpstreamPolicy.builder();
        problems.apply(PropertyNames.PREFIX + ".request-timeout", global.getRequestTimeout(), b::requestTimeout);
        problems.apply(at + ".connect-timeout", p.getConnectTimeout(), b::connectTimeout);
        problems.apply(at + ".attempt-timeout", p.getAttemptTimeout(), b::attemptTimeout);
        problems.apply(at + ".pool-lease-timeout", p.getPoolLeaseTimeout(), b::poolLeaseTimeout);
        problems.apply(at + ".idle-timeout", p.getIdleTimeout(), b::idleTimeout);
        problems.apply(at + ".max-connection-lifetime", p.getMaxConnectionLifetime(), b::maxConnectionLifetime);
        problems.apply(at + ".keep-alive", p.getKeepAlive(), b::upstreamKeepAlive);
        problems.apply(at + ".keep-alive-margin", p.getKeepAliveMargin(), b::keepAliveMargin);
        problems.apply(at + ".min-attempt-time", p.getMinAttemptTime(), b::minAttemptTime);
        problems.apply(at + ".max-retry-after", p.getMaxRetryAfter(), b::maxRetryAfter);
        problems.apply(at + ".max-concurrent-calls", p.getMaxConcurrentCalls(), b::maxConcurrentCalls);
        b.propagateTraceparent(p.isPropagateTraceparent());
        problems.apply(at + ".stall-timeout", p.getStallTimeout(), b::stallTimeout);
        b.streamResponses(p.isStreamResponses());
        headers(b, problems);
        b.retry(retry(at + ".retry", p.getRetry(), problems));
        breaker(at + ".circuit-breaker", p, b, problems);
        b.validation(validation(at + ".validation", p.getValidation(), problems));
        if (!problems.isEmpty()) {
            return null; // a rejected value left a default in place: alignment checks would mislead
        }
        try {
            return b.build();
        } catch (InvalidPolicyException e) {
            PropertyNames names = PropertyNames.forUpstream(name);
            for (PolicyViolation v : e.violations()) {
                problems.add(problem(names, v));
            }
            return null;
        }
    }

    /** Core's violation, with setting names translated to property names; its fix becomes the action. */
    static Problem problem(PropertyNames names, PolicyViolation v) {
        return new Problem(names.property(v.setting()), v.value(), names.translate(v.problem()),
                names.translate(v.fix()));
    }

    private void headers(UpstreamPolicy.Builder b, Problems problems) {
        String correlation = global.getCorrelation().getUpstreamHeader();
        if (StringUtils.hasText(correlation)) {
            problems.apply(PropertyNames.PREFIX + ".correlation.upstream-header", correlation, b::correlationHeader);
        } else {
            b.correlationHeader(null);
        }
        UpstreamGuardProperties.DeadlineHeader deadline = global.getDeadlineHeader();
        if (deadline.isPropagate()) {
            problems.apply(PropertyNames.PREFIX + ".deadline-header.name", deadline.getName(), b::deadlineHeader);
        } else {
            b.deadlineHeader(null);
        }
    }

    private static RetryPolicy retry(String at, UpstreamProperties.Retry r, Problems problems) {
        RetryPolicy.Builder b = RetryPolicy.builder();
        problems.apply(at + ".max-attempts", r.getMaxAttempts(), b::maxAttempts);
        try {
            b.backoff(r.getInitialBackoff(), r.getMaxBackoff(), r.getMultiplier());
        } catch (IllegalArgumentException | NullPointerException e) {
            boolean multiplier = String.valueOf(e.getMessage()).contains("multiplier");
            problems.rejected(at + (multiplier ? ".multiplier" : ".initial-backoff"),
                    multiplier ? r.getMultiplier() : r.getInitialBackoff() + ".." + r.getMaxBackoff(), e);
        }
        problems.apply(at + ".retry-on-statuses", r.getRetryOnStatuses(),
                s -> b.retryOnStatuses(s.stream().mapToInt(Integer::intValue).toArray()));
        b.honorRetryAfter(r.isHonorRetryAfter());
        UpstreamProperties.Budget budget = r.getBudget();
        if (!budget.isEnabled()) {
            b.budget(RetryBudgetConfig.unlimited());
        } else {
            try {
                b.budget(new RetryBudgetConfig(budget.getRatio(), budget.getMinRetriesPerSecond(), budget.getWindow()));
            } catch (IllegalArgumentException | NullPointerException e) {
                String m = String.valueOf(e.getMessage());
                String property = m.contains("minRetriesPerSecond") ? "min-retries-per-second"
                        : m.contains("window") ? "window" : "ratio";
                Object value = m.contains("minRetriesPerSecond") ? budget.getMinRetriesPerSecond()
                        : m.contains("window") ? budget.getWindow() : budget.getRatio();
                problems.rejected(at + ".budget." + property, value, e);
            }
        }
        return b.build();
    }

    private static void breaker(String at, UpstreamProperties p, UpstreamPolicy.Builder policy, Problems problems) {
        UpstreamProperties.CircuitBreaker cb = p.getCircuitBreaker();
        if (!cb.isEnabled()) {
            policy.circuitBreakerEnabled(false);
            return;
        }
        CircuitBreakerConfig.Builder b = CircuitBreakerConfig.custom().writableStackTraceEnabled(false);
        problems.apply(at + ".failure-rate-threshold", cb.getFailureRateThreshold(), b::failureRateThreshold);
        problems.apply(at + ".slow-call-rate-threshold", cb.getSlowCallRateThreshold(), b::slowCallRateThreshold);
        problems.apply(at + ".slow-call-duration-threshold",
                cb.getSlowCallDurationThreshold() != null ? cb.getSlowCallDurationThreshold() : p.getAttemptTimeout(),
                b::slowCallDurationThreshold);
        problems.apply(at + ".sliding-window-type", cb.getSlidingWindowType(), b::slidingWindowType);
        problems.apply(at + ".sliding-window-size", cb.getSlidingWindowSize(), b::slidingWindowSize);
        problems.apply(at + ".minimum-number-of-calls", cb.getMinimumNumberOfCalls(), b::minimumNumberOfCalls);
        problems.apply(at + ".wait-duration-in-open-state", cb.getWaitDurationInOpenState(),
                b::waitDurationInOpenState);
        problems.apply(at + ".permitted-number-of-calls-in-half-open-state",
                cb.getPermittedNumberOfCallsInHalfOpenState(), b::permittedNumberOfCallsInHalfOpenState);
        problems.apply(at, b, builder -> policy.circuitBreaker(builder.build()));
    }

    private static ResponseValidation validation(String at, UpstreamProperties.Validation v, Problems problems) {
        ResponseValidation.Builder b = ResponseValidation.builder();
        problems.apply(at + ".statuses", v.getStatuses(), s -> b.acceptedStatuses(String.join(",", s)));
        problems.apply(at + ".content-types", v.getContentTypes(),
                types -> b.contentTypes(types.toArray(String[]::new)));
        problems.apply(at + ".max-body-size", v.getMaxBodySize(), size -> b.maxBodyBytes(size.toBytes()));
        b.requireBody(v.isRequireBody());
        return b.build();
    }
}
