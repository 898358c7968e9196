/**
 * The probe: one upstream examined phase by phase, named as curl, httpstat and the blackbox exporter name them
 * (resolve, connect, tls, processing, transfer) plus keep-alive (reuse after idle, the real idle-close time, FIN or
 * RST, against what the upstream advertises). {@link dev.upstreamguard.doctor.probe.UpstreamProbe} is the entry
 * point; {@link dev.upstreamguard.doctor.probe.ProbeReport} its result. The probe sends only GET or HEAD.
 */
package dev.upstreamguard.doctor.probe;
