/**
 * The doctor: diagnoses a 502 in the order an operator would, in the library's own vocabulary (core's
 * {@link dev.upstreamguard.core.classify.FailureKind} and its RFC 9209 error types, and the hop names of the
 * error page).
 *
 * <ul>
 *   <li>{@code dev.upstreamguard.doctor.probe}: probe one upstream phase by phase (resolve, connect, tls,
 *       processing, transfer, keep-alive);</li>
 *   <li>{@code dev.upstreamguard.doctor.chain}: check the timeouts and keep-alives of a whole chain of hops;</li>
 *   <li>{@code dev.upstreamguard.doctor.evidence}: turn a proxy's own evidence (a log line, a termination state, a
 *       response flag, a status) into a cause, the hop at fault, an error type and a fix.</li>
 * </ul>
 */
package dev.upstreamguard.doctor;
