package dev.upstreamguard.servlet.spi;

/**
 * Renders one representation of an error response, such as an HTML page or a JSON document.
 *
 * <p>The filter chooses a renderer by the request's {@code Accept} header among the registered media types, then
 * sets the status and headers itself ({@code Content-Type} is {@link #mediaType()} with {@code charset=utf-8}) and
 * writes the returned body as UTF-8. A renderer registered for a built-in media type ({@code text/html},
 * {@code application/problem+json}, {@code text/plain}) replaces the built-in one; another media type is added to
 * the negotiation.
 *
 * <p>Implementations must be thread-safe, fast and must escape everything they write for their format: the view
 * holds only values that are safe to show, but a correlation ID or request path still needs HTML or JSON escaping.
 * If {@link #render} throws, the filter logs it and answers in {@code text/plain} instead.
 */
public interface ErrorRenderer {

    /** The media type produced, lower case {@code type/subtype} without parameters, e.g. {@code text/html}. */
    String mediaType();

    /** The complete body for {@code view}. */
    String render(ErrorView view);
}
