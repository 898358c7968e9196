package dev.upstreamguard.spring.observation;

import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.classify.FailureKind;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.util.Objects;
import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;

/**
 * Spring's default {@code http.client.requests} convention plus two low-cardinality tags for the calls of one
 * upstream:
 * <ul>
 *   <li>{@code upstream}: the configured upstream name (never a host);</li>
 *   <li>{@code error.type}: the RFC 9209 error type of the failure ({@link FailureKind#errorType()}, such as
 *       {@code connection_refused}) when the call failed with an {@link UpstreamException} (also as a cause, as a
 *       {@code RestClient} reports it), {@code upstream_status} when the upstream's error status was the failure
 *       (a kind without an RFC 9209 type), {@value #OTHER} for any other exception and {@value #NONE} when the call
 *       did not fail, so that every series carries the same tag keys.</li>
 * </ul>
 */
public class UpstreamClientRequestObservationConvention extends DefaultClientRequestObservationConvention {
    /** The {@code error.type} of a call that did not fail. */
    public static final String NONE = "none";
    /** The {@code error.type} of a call that failed with something other than an {@link UpstreamException}. */
    public static final String OTHER = "other";

    private final KeyValue upstream;

    /**
     * The convention of upstream {@code upstream}'s calls, for observations named {@code name} (Spring Boot's
     * {@code management.observations.http.client.requests.name}, by default {@code http.client.requests}).
     */
    public UpstreamClientRequestObservationConvention(String name, String upstream) {
        super(Objects.requireNonNull(name, "name"));
        this.upstream = KeyValue.of("upstream", Objects.requireNonNull(upstream, "upstream"));
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(ClientRequestObservationContext context) {
        return super.getLowCardinalityKeyValues(context)
                .and(upstream, KeyValue.of("error.type", errorType(context.getError())));
    }

    /** The {@code error.type} tag value of a call that ended with {@code error} ({@code null}: no failure). */
    public static String errorType(Throwable error) {
        if (error == null) {
            return NONE;
        }
        int depth = 0;
        for (Throwable t = error; t != null && depth++ < 16; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UpstreamException e) {
                return e.kind().errorType() != null ? e.kind().errorType() : e.kind().tagValue();
            }
        }
        return OTHER;
    }
}
