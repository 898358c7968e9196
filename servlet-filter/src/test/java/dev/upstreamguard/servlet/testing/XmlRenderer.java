package dev.upstreamguard.servlet.testing;

import dev.upstreamguard.servlet.spi.ErrorRenderer;
import dev.upstreamguard.servlet.spi.ErrorView;

/** A renderer with a no-arg constructor, as web.xml's {@code renderers} init-param needs. */
public final class XmlRenderer implements ErrorRenderer {
    @Override
    public String mediaType() {
        return "application/xml";
    }

    @Override
    public String render(ErrorView view) {
        return "<error status=\"" + view.status() + "\" id=\"" + view.correlationId() + "\"/>";
    }
}
