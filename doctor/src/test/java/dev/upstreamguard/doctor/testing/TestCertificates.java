package dev.upstreamguard.doctor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/** Throw-away certificates made with the JDK's keytool (as a process), and TLS contexts and listeners on them. */
public final class TestCertificates {
    private static final String PASSWORD = "changeit";
    private final Path keystore;

    private TestCertificates(Path keystore) {
        this.keystore = keystore;
    }

    /**
     * Starts keytool making a self-signed EC certificate in {@code dir}: {@code san} such as {@code ip:127.0.0.1}
     * or {@code dns:wrong.example}; {@code startDate} a keytool start date such as {@code -10d} (or null for now).
     * Several can be made at once; {@link Pending#await()} waits for one.
     */
    public static Pending generate(Path dir, String name, String san, String startDate, int validityDays)
            throws IOException {
        Path keystore = dir.resolve(name + ".p12");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", String.valueOf(validityDays),
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-keypass", PASSWORD));
        if (startDate != null) {
            cmd.add("-startdate");
            cmd.add(startDate);
        }
        return new Pending(new ProcessBuilder(cmd).redirectErrorStream(true).start(), keystore);
    }

    /** A keytool run under way. */
    public record Pending(Process keytool, Path keystore) {
        public TestCertificates await() throws IOException, InterruptedException {
            if (!keytool.waitFor(60, TimeUnit.SECONDS)) {
                keytool.destroyForcibly();
                throw new IOException("keytool did not finish in 60 s");
            }
            String output = new String(keytool.getInputStream().readAllBytes());
            if (keytool.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
            return new TestCertificates(keystore);
        }
    }

    private KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /** A TLS listener on 127.0.0.1 presenting this certificate. */
    public SSLServerSocket listener() throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(), PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getByName("127.0.0.1"));
    }

    /** A client context that trusts exactly this certificate. */
    public SSLContext trustingIt() throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
