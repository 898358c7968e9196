package dev.upstreamguard.doctor.chain;

import dev.upstreamguard.doctor.Hop;
import java.util.List;
import java.util.Objects;

/**
 * One hop of the chain in front of the application, or the application server itself, with its numbers. Any
 * setting may be {@code null} when it does not apply or is not known.
 *
 * @param name            what the hop is: {@code AWS ALB}, {@code nginx}, {@code HAProxy}, {@code Tomcat}
 * @param hop             its place, named as the error page names it
 * @param keepAlive       how long it keeps an idle connection from the hop in front open
 * @param poolIdle        how long it keeps an idle connection to the hop behind open ({@code 0}: never reused)
 * @param connectTimeout  how long it waits to connect to the hop behind
 * @param responseTimeout how long it waits for the hop behind to answer (response headers or first byte)
 * @param deadline        the application's request deadline: it answers, or fails with an explained error, by then
 *                        (only the application server has one)
 * @param remarks         findings about the hop alone, found while reading its configuration
 */
public record ChainHop(String name, Hop hop, Setting keepAlive, Setting poolIdle, Setting connectTimeout,
        Setting responseTimeout, Setting deadline, List<Finding> remarks) {
    /** Checks the required fields and copies the remarks. */
    public ChainHop {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hop, "hop");
        remarks = List.copyOf(remarks);
    }

    /** The application server: its keep-alive and the request deadline the application enforces. */
    public static ChainHop appServer(String name, Setting keepAlive, Setting deadline) {
        return new ChainHop(name, Hop.WEB_APPLICATION, keepAlive, null, null, null, deadline, List.of());
    }

    /**
     * The longest this hop takes to answer, or to fail with its own error, once it has the request: the deadline of
     * the application, connect + response timeout of a proxy; {@code null} when unknown.
     */
    public java.time.Duration worstCase() {
        if (deadline != null) {
            return deadline.value();
        }
        if (responseTimeout == null) {
            return null;
        }
        return connectTimeout == null ? responseTimeout.value()
                : responseTimeout.value().plus(connectTimeout.value());
    }
}
