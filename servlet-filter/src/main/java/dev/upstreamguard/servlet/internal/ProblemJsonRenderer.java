package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.core.classify.RequestSent;
import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;

/**
 * The built-in {@code application/problem+json} renderer (RFC 9457): {@code type}, {@code title}, {@code status},
 * {@code detail}, {@code instance}, and the extension members {@code correlationId}, {@code retryable},
 * {@code retryAfter} (seconds, when known), {@code requestSent} ({@code false}, {@code true} or
 * {@code "unknown"}), {@code kind}, {@code errorType} and, when shown, {@code upstream}.
 */
public final class ProblemJsonRenderer implements ErrorRenderer {
    private final String typeBase;

    /** {@code typeBase} is prefixed to the kind for {@code type}; {@code null} gives {@code about:blank}. */
    public ProblemJsonRenderer(String typeBase) {
        this.typeBase = typeBase;
    }

    @Override
    public String mediaType() {
        return "application/problem+json";
    }

    @Override
    public String render(ErrorView v) {
        StringBuilder out = new StringBuilder(512).append('{');
        String type = typeBase == null || v.kind() == null ? "about:blank" : typeBase + v.kind().tagValue();
        member(out, "type", type, true);
        member(out, "title", v.title(), false);
        out.append(",\"status\":").append(v.status());
        String detail = v.details() == null ? v.headline() + "." : v.headline() + " (" + v.details() + ").";
        member(out, "detail", detail, false);
        member(out, "instance", v.instance(), false);
        member(out, "correlationId", v.correlationId(), false);
        out.append(",\"retryable\":").append(v.retryable());
        if (v.retryAfter() != null) {
            out.append(",\"retryAfter\":").append(Wording.seconds(v.retryAfter()));
        }
        out.append(",\"requestSent\":");
        if (v.requestSent() == RequestSent.UNKNOWN) {
            Escape.json(v.requestSent().jsonValue(), out);
        } else {
            out.append(v.requestSent().jsonValue());
        }
        member(out, "kind", v.kind() == null ? null : v.kind().tagValue(), false);
        member(out, "errorType", v.errorType(), false);
        member(out, "upstream", v.upstream(), false);
        return out.append('}').toString();
    }

    private static void member(StringBuilder out, String name, String value, boolean first) {
        if (value == null) {
            return;
        }
        if (!first) {
            out.append(',');
        }
        out.append('"').append(name).append("\":");
        Escape.json(value, out);
    }
}
