package dev.upstreamguard.doctor.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Facts about a certificate chain: subjects, issuers, days to expiry, and the host name check (RFC 6125). */
final class Certificates {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private Certificates() {
    }

    static List<Object> chain(Certificate[] chain, Instant now) {
        List<Object> list = new ArrayList<>();
        for (Certificate c : chain) {
            if (c instanceof X509Certificate x) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("subject", Words.safe(x.getSubjectX500Principal().getName(), 200));
                m.put("issuer", Words.safe(x.getIssuerX500Principal().getName(), 200));
                m.put("notAfter", x.getNotAfter().toInstant().toString());
                m.put("daysToExpiry", daysToExpiry(x, now));
                list.add(m);
            }
        }
        return list;
    }

    static long daysToExpiry(X509Certificate x, Instant now) {
        return Math.floorDiv(Duration.between(now, x.getNotAfter().toInstant()).toHours(), 24);
    }

    static boolean selfSigned(X509Certificate x) {
        return x.getSubjectX500Principal().equals(x.getIssuerX500Principal());
    }

    /** Whether {@code host} matches a subject alternative name of {@code leaf} (wildcards in the left label). */
    static boolean hostMatches(X509Certificate leaf, String host) {
        Collection<List<?>> names;
        try {
            names = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names == null) {
            return false;
        }
        boolean literal = ResolveStep.isLiteral(host);
        for (List<?> entry : names) {
            int type = (Integer) entry.get(0);
            String value = String.valueOf(entry.get(1));
            if (literal && type == IP_ADDRESS && sameAddress(value, host)) {
                return true;
            }
            if (!literal && type == DNS_NAME && dnsMatches(value.toLowerCase(Locale.ROOT),
                    host.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    static List<String> names(X509Certificate leaf) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> entry : names) {
                    int type = (Integer) entry.get(0);
                    if (type == DNS_NAME || type == IP_ADDRESS) {
                        out.add(Words.safe(String.valueOf(entry.get(1)), 100));
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // reported as no names
        }
        return out;
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
