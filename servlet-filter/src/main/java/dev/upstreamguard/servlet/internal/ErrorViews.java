package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.core.classify.RequestSent;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import dev.upstreamguard.servlet.spi.ErrorView;
import java.time.Duration;

/** Builds {@link ErrorView}s from a failure or an intercepted {@code sendError}, applying what the config shows. */
public final class ErrorViews {
    private final UpstreamGuardConfig config;

    /** Views shaped by {@code config}. */
    public ErrorViews(UpstreamGuardConfig config) {
        this.config = config;
    }

    /** The view of {@code e}; uses {@link UpstreamException#details()}, never the exception's message. */
    public ErrorView of(UpstreamException e, String correlationId, String path) {
        FailureKind kind = e.kind();
        int status = e.status();
        boolean retryable = e.retryable();
        Duration retryAfter = retryable ? positive(e.retryAfter()) : null;
        return base(status, kind, correlationId, path)
                .errorType(kind.errorType())
                .details(config.showDetails() ? blankToNull(e.details()) : null)
                .retryable(retryable)
                .retryAfter(retryAfter)
                .retryAdvice(Wording.retryAdvice(retryable, retryAfter))
                .requestSent(e.requestSent())
                .sentAdvice(Wording.sentAdvice(e.requestSent()))
                .upstream(config.showUpstreamName() ? e.upstream() : null)
                .exception(e)
                .build();
    }

    /** The view of the application's own {@code sendError(status)}; {@code retryAfter} from its header, or null. */
    public ErrorView ofStatus(int status, Duration retryAfter, String correlationId, String path) {
        Duration after = positive(retryAfter);
        return base(status, null, correlationId, path)
                .retryable(true)
                .retryAfter(after)
                .retryAdvice(Wording.retryAdvice(true, after))
                .requestSent(RequestSent.UNKNOWN)
                .sentAdvice(Wording.sentAdvice(RequestSent.UNKNOWN))
                .build();
    }

    private ErrorView.Builder base(int status, FailureKind kind, String correlationId, String path) {
        return ErrorView.builder(status)
                .title(Wording.title(status))
                .kind(kind)
                .headline(Wording.headline(kind, status))
                .ownerAdvice(config.showOwnerGuidance() ? Wording.ownerAdvice(kind, status) : null)
                .correlationId(correlationId)
                .siteName(config.siteName())
                .instance(path)
                .failedHop(Wording.siteFailed(kind, status) ? ErrorView.Hop.SITE : ErrorView.Hop.UPSTREAM)
                .upstreamState(Wording.upstreamState(kind, status));
    }

    private static Duration positive(Duration d) {
        return d == null || d.isNegative() ? null : d;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
