package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS failures against a real HTTPS listener with a throw-away self-signed certificate made by keytool. */
class TlsFailureTest {
    private static final String PASSWORD = "changeit";
    @TempDir
    static Path dir;
    private static Path keystore;
    private static TlsServer plainTls;
    private static TlsServer rejectingTls;

    @BeforeAll
    static void startServers() throws Exception {
        keystore = dir.resolve("upstream.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        plainTls = https(false);
        rejectingTls = https(true);
    }

    @AfterAll
    static void stopServers() throws Exception {
        plainTls.stopServer();
        rejectingTls.stopServer();
    }

    /**
     * A minimal HTTPS server on the JDK's SSLServerSocket (it sends TLS alerts before closing, reliably), answering
     * {@code 200 secure} to every request.
     */
    private static TlsServer https(boolean rejectEveryHandshake) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        if (rejectEveryHandshake) {
            // Only an RSA-authenticated suite with an EC key: no suite fits, so the server answers the ClientHello
            // with a handshake_failure alert. (A missing client certificate is refused after the client's
            // Finished, so its alert races the client's next write and often arrives as a reset instead.)
            listener.setEnabledProtocols(new String[] {"TLSv1.2"});
            listener.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
        }
        TlsServer server = new TlsServer(listener);
        server.start();
        return server;
    }

    private static final class TlsServer extends Thread {
        private final SSLServerSocket listener;

        TlsServer(SSLServerSocket listener) {
            super("tls-test-server");
            setDaemon(true);
            this.listener = listener;
        }

        @Override
        public void run() {
            while (!listener.isClosed()) {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                    InputStream in = s.getInputStream();
                    int state = 0;
                    while (state < 4) { // read up to the blank line ending the request head
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
                    }
                    s.getOutputStream().write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecure".getBytes());
                    s.getOutputStream().flush();
                } catch (IOException handshakeFailedOrClosed) {
                    // the client hung up or the handshake failed: that is what these tests provoke
                }
            }
        }

        int port() {
            return listener.getLocalPort();
        }

        void stopServer() throws IOException {
            listener.close();
        }
    }

    private static String uri(TlsServer server) {
        return "https://127.0.0.1:" + server.port();
    }

    private static SSLContext trustingTheTestCertificate() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The first handshakes in a JVM are slow (crypto warm-up): give attempts room, so only TLS decides. */
    private static UpstreamPolicy tlsPolicy() {
        return policy().requestTimeout(java.time.Duration.ofSeconds(5)).attemptTimeout(java.time.Duration.ofSeconds(4))
                .build();
    }

    @Test
    void untrustedCertificateIsCertificateError() {
        try (Upstream upstream = Upstream.builder("secure").baseUri(uri(plainTls)).policy(tlsPolicy()).build()) {
            UpstreamException e = failure(upstream, ClassicRequestBuilder.get("/").build());
            assertThat(e.kind()).isEqualTo(FailureKind.TLS_CERTIFICATE_ERROR);
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.proxyStatus("upstream-guard")).contains("error=tls_certificate_error");
        }
    }

    @Test
    void trustedCertificateSucceeds() throws Exception {
        try (Upstream upstream = Upstream.builder("secure").baseUri(uri(plainTls)).sslContext(trustingTheTestCertificate())
                .policy(tlsPolicy()).build()) {
            assertThat(upstream.execute(ClassicRequestBuilder.get("/").build()).bodyAsString()).isEqualTo("secure");
        }
    }

    @Test
    void handshakeRejectedByTheUpstreamIsAlertReceived() throws Exception {
        try (Upstream upstream = Upstream.builder("secure").baseUri(uri(rejectingTls))
                .sslContext(trustingTheTestCertificate()).policy(tlsPolicy()).build()) {
            UpstreamException e = failure(upstream, ClassicRequestBuilder.get("/").build());
            assertThat(e.kind()).isEqualTo(FailureKind.TLS_ALERT_RECEIVED);
            assertThat(e.status()).isEqualTo(502);
        }
    }
}
