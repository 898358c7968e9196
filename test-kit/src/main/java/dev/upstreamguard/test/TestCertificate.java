package dev.upstreamguard.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate and key for {@link FaultyUpstream#startTls}, made at run time by the JDK's own
 * {@code keytool} (in {@code java.home}; no extra dependency, about a second per certificate). Each kind provokes
 * one TLS fault: {@link #selfSigned()} (not trusted by the JVM), {@link #expired()} and
 * {@link #forHost(String)} (wrong host name; both trusted through {@link #trustingClientContext()}, so only the
 * date or the name is wrong). Immutable.
 */
public final class TestCertificate {
    private static final String PASSWORD = "changeit";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private final KeyStore keyStore;
    private final String description;

    private TestCertificate(KeyStore keyStore, String description) {
        this.keyStore = keyStore;
        this.description = description;
    }

    /** Valid now, for {@code localhost} and {@code 127.0.0.1}, self-signed: rejected unless the client trusts it. */
    public static TestCertificate selfSigned() {
        return generate("self-signed for 127.0.0.1", "SAN=ip:127.0.0.1,dns:localhost", null, 2);
    }

    /** For {@code localhost} and {@code 127.0.0.1}, but valid only from three days ago until two days ago. */
    public static TestCertificate expired() {
        return generate("expired", "SAN=ip:127.0.0.1,dns:localhost", "-3d", 1);
    }

    /** Valid now, but only for {@code hostName} (a DNS name): a client connecting to 127.0.0.1 rejects the name. */
    public static TestCertificate forHost(String hostName) {
        Objects.requireNonNull(hostName, "hostName");
        if (!hostName.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,250}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("hostName must be a DNS name, but was '" + hostName + "'");
        }
        return generate("for " + hostName, "SAN=dns:" + hostName, null, 2);
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
            tmf.init(keyStore);
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

    private static TestCertificate generate(String description, String san, String startDate, int validityDays) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("upstream-guard-cert");
            Path file = dir.resolve("key.p12");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=upstream-guard-test", "-ext", san, "-validity", String.valueOf(validityDays),
                    "-keystore", file.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-keypass", PASSWORD));
            if (startDate != null) {
                command.addAll(List.of("-startdate", startDate));
            }
            Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = keytool.getInputStream().readAllBytes();
            if (!keytool.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                keytool.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (exit " + keytool.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            return new TestCertificate(ks, description);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the JDK's keytool (is this a JDK, not a JRE?)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key store keytool wrote", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating a certificate", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("key.p12"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }
}
