/**
 * Upstream Guard in Micrometer observations of Spring's HTTP clients: {@link
 * dev.upstreamguard.spring.observation.UpstreamClientRequestObservationConvention} adds the low-cardinality tags
 * {@code upstream} and {@code error.type} to the {@code http.client.requests} observations of the guarded
 * {@code RestClient}s; {@link dev.upstreamguard.spring.observation.UpstreamObservationConventions} chooses the
 * convention of each upstream.
 */
package dev.upstreamguard.spring.observation;
