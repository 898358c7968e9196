/**
 * The evidence decoder: a line a proxy or load balancer wrote (nginx error log, HAProxy termination state, Envoy
 * response flags, AWS ALB access log, Google Cloud LB statusDetails, Cloudflare 52x, a Proxy-Status header) turned
 * into the cause, the hop at fault, the RFC 9209 error type and the fix. Entry point: {@link
 * dev.upstreamguard.doctor.evidence.EvidenceDecoder}.
 */
package dev.upstreamguard.doctor.evidence;
