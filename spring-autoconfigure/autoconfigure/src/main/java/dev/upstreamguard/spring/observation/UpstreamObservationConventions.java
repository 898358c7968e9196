package dev.upstreamguard.spring.observation;

import org.springframework.http.client.observation.ClientRequestObservationConvention;

/**
 * Chooses the observation convention of each upstream's {@code RestClient}. The starter's bean
 * ({@code upstreamGuardObservationConventions}) is {@link #named(String)}; define a bean of this type to replace it.
 */
@FunctionalInterface
public interface UpstreamObservationConventions {

    /**
     * The convention of the calls of upstream {@code upstream}, or {@code null} to keep the one the builder has
     * (Spring Boot's, or your {@code ClientRequestObservationConvention} bean).
     */
    ClientRequestObservationConvention forUpstream(String upstream);

    /** An {@link UpstreamClientRequestObservationConvention} per upstream, for observations named {@code name}. */
    static UpstreamObservationConventions named(String name) {
        return upstream -> new UpstreamClientRequestObservationConvention(name, upstream);
    }
}
