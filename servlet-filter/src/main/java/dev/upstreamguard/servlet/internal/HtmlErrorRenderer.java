package dev.upstreamguard.servlet.internal;

import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;
import java.util.HashMap;
import java.util.Map;

/** The built-in {@code text/html} renderer: fills the most specific template with the view's values, escaped. */
public final class HtmlErrorRenderer implements ErrorRenderer {
    private final ErrorTemplates templates;

    /** A renderer over {@code templates}. */
    public HtmlErrorRenderer(ErrorTemplates templates) {
        this.templates = templates;
    }

    @Override
    public String mediaType() {
        return "text/html";
    }

    @Override
    public String render(ErrorView view) {
        return templates.select(view.kind(), view.status()).render(values(view));
    }

    /** The placeholder values of {@link ErrorTemplates#NAMES} for {@code view} (unescaped). */
    static Map<String, String> values(ErrorView v) {
        Map<String, String> m = new HashMap<>(48);
        boolean siteFailed = v.failedHop() == ErrorView.Hop.SITE;
        m.put("status", Integer.toString(v.status()));
        m.put("title", v.title());
        m.put("headline", v.headline() + ".");
        m.put("retryAdvice", v.retryAdvice());
        m.put("sentAdvice", v.sentAdvice());
        m.put("ownerAdvice", v.ownerAdvice());
        m.put("details", v.details());
        m.put("correlationId", v.correlationId());
        m.put("kind", v.kind() == null ? null : v.kind().tagValue());
        m.put("errorType", v.errorType());
        m.put("retryable", Boolean.toString(v.retryable()));
        if (v.retryAfter() != null) {
            m.put("retryAfterSeconds", Long.toString(Wording.seconds(v.retryAfter())));
            m.put("retryAfterText", Wording.inWords(v.retryAfter()));
        }
        m.put("requestSent", v.requestSent().jsonValue());
        m.put("upstream", v.upstream());
        m.put("upstreamLabel", v.upstream() != null ? v.upstream() : "Upstream service");
        m.put("upstreamState", v.upstreamState());
        m.put("upstreamFailed", Boolean.toString(!siteFailed));
        m.put("siteLabel", v.siteName() != null ? v.siteName() : "This site");
        m.put("siteState", siteFailed ? "Error" : "Working");
        m.put("siteFailed", Boolean.toString(siteFailed));
        m.put("instance", v.instance());
        return m;
    }
}
