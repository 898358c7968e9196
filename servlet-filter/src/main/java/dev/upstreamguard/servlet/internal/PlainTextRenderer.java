package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;

/** The built-in {@code text/plain} renderer: the same words as the HTML page, one statement per line. */
public final class PlainTextRenderer implements ErrorRenderer {

    @Override
    public String mediaType() {
        return "text/plain";
    }

    @Override
    public String render(ErrorView v) {
        StringBuilder out = new StringBuilder(512);
        out.append(v.status()).append(' ').append(v.title()).append('\n');
        out.append(Escape.line(v.headline())).append(".\n");
        out.append(v.retryAdvice()).append('\n');
        out.append(v.sentAdvice()).append('\n');
        out.append("Correlation ID (quote it when you report the problem): ").append(v.correlationId()).append('\n');
        if (v.errorType() != null || v.kind() != null) {
            out.append("Error: ").append(v.errorType() != null ? v.errorType() : v.kind().tagValue());
            if (v.details() != null) {
                out.append(" (").append(Escape.line(v.details())).append(')');
            }
            out.append('\n');
        }
        if (v.upstream() != null) {
            out.append("Upstream service: ").append(Escape.line(v.upstream())).append('\n');
        }
        if (v.ownerAdvice() != null) {
            out.append("For the site's owner: ").append(v.ownerAdvice()).append('\n');
        }
        return out.toString();
    }
}
