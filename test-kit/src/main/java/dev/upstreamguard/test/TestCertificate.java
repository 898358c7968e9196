package dev.upstreamguard.test;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate and key for {@link FaultyUpstream#startTls}, made at run time in memory with the JDK
 * alone (EC P-256; no extra dependency, no process, milliseconds). Each kind provokes
 * one TLS fault: {@link #selfSigned()} (not trusted by the JVM), {@link #expired()} and
 * {@link #forHost(String)} (wrong host name; both trusted through {@link #trustingClientContext()}, so only the
 * date or the name is wrong; the expired one is signed by a throw-away CA, because the JDK does not check the dates
 * of a certificate it trusts directly). Immutable.
 */
public final class TestCertificate {
    private static final String PASSWORD = "changeit";
    private static final String CA_NAME = "upstream-guard-test-ca";
    private static final String LEAF_NAME = "upstream-guard-test";
    private static final Duration MAX_VALIDITY = Duration.ofDays(3650);

    private final KeyStore keyStore;
    private final KeyStore trustStore;
    private final String description;

    private TestCertificate(KeyStore keyStore, KeyStore trustStore, String description) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.description = description;
    }

    /** Valid now, for {@code localhost} and {@code 127.0.0.1}, self-signed: rejected unless the client trusts it. */
    public static TestCertificate selfSigned() {
        return generate("self-signed for 127.0.0.1", false, List.of("localhost"), true, Duration.ofDays(-1),
                Duration.ofDays(1));
    }

    /**
     * Like {@link #selfSigned()}, but valid from a day ago until {@code validFor} from now: a long-lived certificate
     * ({@code selfSigned(Duration.ofDays(90))}), or one close to expiry ({@code selfSigned(Duration.ofDays(3))}), for
     * a client or a tool that reports or warns about the days left.
     *
     * @throws IllegalArgumentException unless {@code validFor} is positive and at most 3650 days
     */
    public static TestCertificate selfSigned(Duration validFor) {
        Objects.requireNonNull(validFor, "validFor");
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("validFor must be positive and at most " + MAX_VALIDITY.toDays()
                    + " days, but was " + validFor);
        }
        return generate("self-signed for 127.0.0.1, valid for " + validFor, false, List.of("localhost"), true,
                Duration.ofDays(-1), validFor);
    }

    /** For {@code localhost} and {@code 127.0.0.1}, but valid only from three days ago until two days ago. */
    public static TestCertificate expired() {
        return generate("expired", true, List.of("localhost"), true, Duration.ofDays(-3), Duration.ofDays(-2));
    }

    /** Valid now, but only for {@code hostName} (a DNS name): a client connecting to 127.0.0.1 rejects the name. */
    public static TestCertificate forHost(String hostName) {
        Objects.requireNonNull(hostName, "hostName");
        if (!hostName.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,250}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("hostName must be a DNS name, but was '" + hostName + "'");
        }
        return generate("for " + hostName, true, List.of(hostName), false, Duration.ofDays(-1), Duration.ofDays(1));
    }

    /** A TLS context presenting this certificate, for a server. */
    SSLContext serverContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a server TLS context from " + this, e);
        }
    }

    /**
     * A client TLS context that trusts this certificate (and nothing else): pass it to
     * {@code Upstream.builder(...).sslContext(...)} so that only the fault under test is wrong.
     */
    public SSLContext trustingClientContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a client TLS context trusting " + this, e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificate[" + description + "]";
    }

    private static TestCertificate generate(String description, boolean signedByCa, List<String> dnsNames,
            boolean loopbackIp, Duration from, Duration until) {
        try {
            Instant now = Instant.now();
            List<byte[]> ips = loopbackIp ? List.of(new byte[] {127, 0, 0, 1}) : List.of();
            KeyPair leafKeys = CertificateMaker.newKeyPair();
            char[] password = PASSWORD.toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            if (signedByCa) {
                KeyPair caKeys = CertificateMaker.newKeyPair();
                X509Certificate ca = CertificateMaker.make(CA_NAME, caKeys.getPublic(), CA_NAME, caKeys.getPrivate(),
                        now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(30)), true, List.of(), List.of());
                X509Certificate leaf = CertificateMaker.make(LEAF_NAME, leafKeys.getPublic(), CA_NAME,
                        caKeys.getPrivate(), now.plus(from), now.plus(until), false, dnsNames, ips);
                keys.setKeyEntry("leaf", leafKeys.getPrivate(), password, new Certificate[] {leaf, ca});
                trust.setCertificateEntry("ca", ca);
            } else {
                X509Certificate leaf = CertificateMaker.make(LEAF_NAME, leafKeys.getPublic(), LEAF_NAME,
                        leafKeys.getPrivate(), now.plus(from), now.plus(until), false, dnsNames, ips);
                keys.setKeyEntry("leaf", leafKeys.getPrivate(), password, new Certificate[] {leaf});
                trust.setCertificateEntry("leaf", leaf);
            }
            return new TestCertificate(keys, trust, description);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate (" + description + ")", e);
        }
    }
}
