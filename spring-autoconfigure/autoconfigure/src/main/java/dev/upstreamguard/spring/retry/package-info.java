/**
 * Upstream Guard with Spring Framework 7's resilience annotations: {@link
 * dev.upstreamguard.spring.retry.UpstreamRetryPredicate} for {@code @Retryable}, and {@link
 * dev.upstreamguard.spring.retry.ConcurrencyLimitExceptionHandler} for {@code @ConcurrencyLimit} rejections. Spring
 * Framework 7 (Boot 4) only.
 */
package dev.upstreamguard.spring.retry;
