package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The tls phase: the handshake over the connected socket with the configured TLS context and host name check;
 * protocol, cipher, ALPN, SNI, the chain, days to expiry. On a certificate failure the chain is read again over a
 * second connection that trusts anything, only to show it (no request is ever sent over that one).
 */
final class TlsStep {
    /** A certificate this close to expiry makes the phase degraded. */
    static final long EXPIRY_WARNING_DAYS = 14;

    record Outcome(PhaseResult result, SSLSocket socket) {
    }

    private TlsStep() {
    }

    static Outcome run(Socket plain, InetAddress address, String host, int port, SSLContext context,
            Duration handshakeTimeout, Duration connectTimeout, Budget budget) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("sni", ResolveStep.isLiteral(host) ? null : host);
        long start = System.nanoTime();
        SSLSocket tls = null;
        try {
            tls = handshake(plain, host, port, context, true, budget.timeoutMillis(handshakeTimeout));
            Duration took = Budget.since(start);
            SSLSession session = tls.getSession();
            facts.put("protocol", session.getProtocol());
            facts.put("cipher", session.getCipherSuite());
            String alpn = tls.getApplicationProtocol();
            facts.put("alpn", alpn == null || alpn.isEmpty() ? null : alpn);
            Certificate[] chain = session.getPeerCertificates();
            facts.put("chain", Certificates.chain(chain, Instant.now()));
            facts.put("hostnameCheck", "passed");
            facts.put("handshakeMs", took.toMillis());
            long days = chain[0] instanceof X509Certificate x ? Certificates.daysToExpiry(x, Instant.now()) : 9999;
            facts.put("daysToExpiry", days);
            String summary = session.getProtocol() + " " + session.getCipherSuite() + ", certificate valid "
                    + days + " more days, in " + Words.duration(took);
            if (days < 0 && chain[0] instanceof X509Certificate x) {
                // Trusted anyway (the certificate is its own trust anchor, whose dates the JDK does not check):
                // other clients will refuse it.
                return new Outcome(PhaseResult.problem(ProbePhase.TLS, Verdict.FAILED, took, "the certificate "
                        + "expired on " + x.getNotAfter().toInstant().toString().substring(0, 10) + " (this "
                        + "client trusts it directly, other clients refuse it)", facts,
                        FailureKind.TLS_CERTIFICATE_ERROR, Hop.UPSTREAM, "renew the upstream's certificate."), tls);
            }
            if (days < EXPIRY_WARNING_DAYS) {
                return new Outcome(PhaseResult.problem(ProbePhase.TLS, Verdict.DEGRADED, took, summary, facts,
                        FailureKind.TLS_CERTIFICATE_ERROR, Hop.UPSTREAM, "renew the upstream's certificate: it "
                        + "expires in " + days + " days."), tls);
            }
            return new Outcome(PhaseResult.ok(ProbePhase.TLS, took, summary, facts), tls);
        } catch (IOException e) {
            Duration took = Budget.since(start);
            ConnectStep.closeQuietly(tls != null ? tls : plain);
            facts.put("handshakeMs", took.toMillis());
            return new Outcome(failure(e, took, facts, address, host, port, connectTimeout, budget), null);
        }
    }

    private static SSLSocket handshake(Socket plain, String host, int port, SSLContext context, boolean checkHost,
            int timeoutMillis) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters p = tls.getSSLParameters();
        if (checkHost) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!ResolveStep.isLiteral(host)) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        p.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(p);
        tls.setSoTimeout(timeoutMillis);
        tls.startHandshake();
        return tls;
    }

    private static PhaseResult failure(IOException e, Duration took, Map<String, Object> facts, InetAddress address,
            String host, int port, Duration connectTimeout, Budget budget) {
        String all = messages(e);
        if (e instanceof SocketTimeoutException) {
            facts.put("failure", "handshake timed out");
            return PhaseResult.problem(ProbePhase.TLS, Verdict.FAILED, took, "TCP connected but the TLS handshake "
                    + "never completed (no answer in " + Words.duration(took) + ")", facts,
                    FailureKind.CONNECTION_TIMEOUT, Hop.UPSTREAM, "check that port " + port + " speaks TLS and "
                    + "that nothing in between (a middlebox, a full TLS worker pool) holds the handshake.");
        }
        if (all.contains("unsupported or unrecognized ssl message") || all.contains("plaintext")) {
            facts.put("failure", "plain text answer");
            return PhaseResult.problem(ProbePhase.TLS, Verdict.FAILED, took, "the server answered the TLS "
                    + "handshake in plain text: port " + port + " speaks HTTP, not HTTPS", facts,
                    FailureKind.TLS_PROTOCOL_ERROR, Hop.UPSTREAM, "use http:// for port " + port
                    + ", or point the https URL at the upstream's TLS port.");
        }
        int alert = all.indexOf("received fatal alert: ");
        if (alert >= 0) {
            String name = all.substring(alert + 22).split("[^a-z_]", 2)[0];
            facts.put("alert", name);
            return PhaseResult.problem(ProbePhase.TLS, Verdict.FAILED, took, "the upstream ended the handshake "
                    + "with the alert " + name, facts, FailureKind.TLS_ALERT_RECEIVED, Hop.UPSTREAM,
                    "align TLS versions, cipher suites and client certificate between the client and the "
                    + "upstream (alert " + name + ").");
        }
        if (hasCause(e, java.security.cert.CertificateException.class) || all.contains("pkix")
                || all.contains("certificate")) {
            return certificateFailure(e, all, took, facts, address, host, port, connectTimeout, budget);
        }
        facts.put("failure", Words.safe(e.getMessage(), 160));
        return PhaseResult.problem(ProbePhase.TLS, Verdict.FAILED, took, "the TLS handshake failed: "
                + Words.safe(e.getMessage(), 120), facts, FailureKind.TLS_PROTOCOL_ERROR, Hop.UPSTREAM,
                "check the upstream's TLS configuration (protocols, ciphers) against the client's.");
    }

    private static PhaseResult certificateFailure(IOException e, String all, Duration took,
            Map<String, Object> facts, InetAddress address, String host, int port, Duration connectTimeout,
            Budget budget) {
        Certificate[] chain = peek(address, host, port, connectTimeout, budget);
        X509Certificate leaf = chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        if (leaf != null) {
            facts.put("chain", Certificates.chain(chain, Instant.now()));
            facts.put("daysToExpiry", Certificates.daysToExpiry(leaf, Instant.now()));
            facts.put("hostnameCheck", Certificates.hostMatches(leaf, host) ? "passed" : "failed");
            facts.put("certificateNames", Certificates.names(leaf));
        }
        String reason;
        String fix;
        if (hasCause(e, CertificateExpiredException.class) || all.contains("validity check failed")
                || leaf != null && Certificates.daysToExpiry(leaf, Instant.now()) < 0) {
            reason = "the certificate expired" + (leaf == null ? ""
                    : " on " + leaf.getNotAfter().toInstant().toString().substring(0, 10));
            fix = "renew the upstream's certificate.";
        } else if (all.contains("no subject alternative") || all.contains("no name matching")
                || leaf != null && !Certificates.hostMatches(leaf, host)) {
            reason = "the certificate is not for " + Words.safe(host, 80) + (leaf == null ? ""
                    : " (it names " + String.join(", ", Certificates.names(leaf)) + ")");
            fix = "use the host name the certificate names, or give the upstream a certificate for "
                    + Words.safe(host, 80) + ".";
        } else if (leaf != null && chain.length == 1 && Certificates.selfSigned(leaf)) {
            reason = "the certificate is self-signed and not trusted";
            fix = "trust it explicitly (a trust store with this certificate) or give the upstream one from a CA.";
        } else {
            reason = "the certificate chain is not trusted";
            fix = "add the issuing CA to the client's trust store, or make the upstream send its full chain.";
        }
        facts.put("failure", reason);
        return PhaseResult.problem(ProbePhase.TLS, Verdict.FAILED, took, reason, facts,
                FailureKind.TLS_CERTIFICATE_ERROR, Hop.UPSTREAM, fix);
    }

    /** The chain as the server sends it, over a new connection that trusts anything; empty if that fails. */
    private static Certificate[] peek(InetAddress address, String host, int port, Duration connectTimeout,
            Budget budget) {
        if (budget.expired()) {
            return new Certificate[0];
        }
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), budget.timeoutMillis(connectTimeout));
            SSLSocket tls = handshake(plain, host, port, TrustAnything.context(), false,
                    budget.timeoutMillis(connectTimeout));
            try (tls) {
                return tls.getSession().getPeerCertificates();
            }
        } catch (IOException | RuntimeException e) {
            return new Certificate[0];
        } finally {
            ConnectStep.closeQuietly(plain);
        }
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 2000; t = t.getCause()) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
