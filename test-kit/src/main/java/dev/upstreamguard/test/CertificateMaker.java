package dev.upstreamguard.test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes X.509 v3 certificates (EC P-256, ECDSA with SHA-256) in DER with the JDK alone, in milliseconds: a subject
 * common name, a validity period, subject alternative names and, for a CA, basic constraints. Just enough for test
 * certificates; not a general-purpose encoder.
 */
final class CertificateMaker {
    private static final byte[] ECDSA_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);
    private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);
    private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);
    private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private CertificateMaker() {
    }

    static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /**
     * A certificate for {@code subject} signed by {@code issuerKey} in the name of {@code issuerName}.
     *
     * @param dnsNames DNS names for the subject alternative name extension
     * @param ipv4 IPv4 addresses (4 bytes each) for it
     */
    static X509Certificate make(String subject, PublicKey subjectKey, String issuerName, PrivateKey issuerKey,
            Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames, List<byte[]> ipv4)
            throws GeneralSecurityException {
        byte[] algorithm = seq(ECDSA_SHA256);
        List<byte[]> extensions = new ArrayList<>();
        if (ca) {
            extensions.add(seq(BASIC_CONSTRAINTS, tlv(0x01, new byte[] {(byte) 0xff}),
                    tlv(0x04, seq(tlv(0x01, new byte[] {(byte) 0xff})))));
        }
        if (!dnsNames.isEmpty() || !ipv4.isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(tlv(0x82, n.getBytes(StandardCharsets.US_ASCII))));
            ipv4.forEach(a -> names.add(tlv(0x87, a)));
            extensions.add(seq(SUBJECT_ALT_NAME, tlv(0x04, seq(names.toArray(byte[][]::new)))));
        }
        byte[] serial = new byte[8];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        List<byte[]> tbs = new ArrayList<>(List.of(
                tlv(0xa0, tlv(0x02, new byte[] {2})), // version 3
                tlv(0x02, new BigInteger(1, serial).toByteArray()),
                algorithm, name(issuerName),
                seq(tlv(0x17, ascii(UTC_TIME.format(notBefore))), tlv(0x17, ascii(UTC_TIME.format(notAfter)))),
                name(subject), subjectKey.getEncoded()));
        if (!extensions.isEmpty()) {
            tbs.add(tlv(0xa3, seq(extensions.toArray(byte[][]::new))));
        }
        byte[] tbsBytes = seq(tbs.toArray(byte[][]::new));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKey);
        signer.update(tbsBytes);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1]; // no unused bits
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] der = seq(tbsBytes, algorithm, tlv(0x03, bits));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] name(String commonName) {
        return seq(tlv(0x31, seq(COMMON_NAME, tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] oid(int... arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(40 * arcs[0] + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            int shift = 28;
            while (shift > 0 && (arc >> shift) == 0) {
                shift -= 7;
            }
            for (; shift > 0; shift -= 7) {
                out.write(0x80 | ((arc >> shift) & 0x7f));
            }
            out.write(arc & 0x7f);
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
