package dev.upstreamguard.core;

import static dev.upstreamguard.core.FaultTestSupport.failure;
import static dev.upstreamguard.core.FaultTestSupport.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS failures against a real Jetty HTTPS listener with a throw-away self-signed certificate made by keytool. */
class TlsFailureTest {
    private static final String PASSWORD = "changeit";
    @TempDir
    static Path dir;
    private static Path keystore;
    private static Server plainTls;
    private static Server clientAuthTls;

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
        clientAuthTls = https(true);
    }

    @AfterAll
    static void stopServers() throws Exception {
        plainTls.stop();
        clientAuthTls.stop();
    }

    private static Server https(boolean needClientAuth) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore.toString());
        tls.setKeyStorePassword(PASSWORD);
        tls.setKeyStoreType("PKCS12");
        tls.setNeedClientAuth(needClientAuth);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, "secure", callback);
                return true;
            }
        });
        server.start();
        return server;
    }

    private static String uri(Server server) {
        return "https://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
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

    @Test
    void untrustedCertificateIsCertificateError() {
        try (Upstream upstream = Upstream.builder("secure").baseUri(uri(plainTls)).policy(policy().build()).build()) {
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
                .policy(policy().build()).build()) {
            assertThat(upstream.execute(ClassicRequestBuilder.get("/").build()).bodyAsString()).isEqualTo("secure");
        }
    }

    @Test
    void missingClientCertificateIsAlertReceived() throws Exception {
        try (Upstream upstream = Upstream.builder("secure").baseUri(uri(clientAuthTls))
                .sslContext(trustingTheTestCertificate()).policy(policy().build()).build()) {
            UpstreamException e = failure(upstream, ClassicRequestBuilder.get("/").build());
            assertThat(e.kind()).isEqualTo(FailureKind.TLS_ALERT_RECEIVED);
            assertThat(e.status()).isEqualTo(502);
        }
    }
}
