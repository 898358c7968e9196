package dev.upstreamguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A minimal HTTPS upstream on the JDK's SSLServerSocket, on loopback, answering every request with
 * {@code 200 hello <client certificate subject or "none">}; with {@code needClientAuth} it refuses clients without a
 * certificate it trusts (mTLS). {@link Certificates} makes the throw-away key pairs and trust stores with keytool.
 */
final class TlsTestServer extends Thread implements AutoCloseable {
    static final String PASSWORD = "changeit";
    private final SSLServerSocket listener;

    private TlsTestServer(SSLServerSocket listener) {
        super("tls-test-upstream");
        setDaemon(true);
        this.listener = listener;
    }

    /** Starts a server with the server key pair of {@code certs}, trusting their client certificate when asked. */
    static TlsTestServer start(Certificates certs, boolean needClientAuth) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(certs.serverKeys()), PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(certs.serverTrust()));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(needClientAuth);
        TlsTestServer server = new TlsTestServer(listener);
        server.start();
        return server;
    }

    String baseUri() {
        return "https://127.0.0.1:" + listener.getLocalPort();
    }

    @Override
    public void run() {
        while (!listener.isClosed()) {
            try (SSLSocket s = (SSLSocket) listener.accept()) {
                s.setSoTimeout(5000);
                s.startHandshake();
                String client;
                try {
                    client = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
                } catch (SSLPeerUnverifiedException none) {
                    client = "none";
                }
                InputStream in = s.getInputStream();
                int state = 0;
                while (state < 4) { // up to the blank line ending the request head
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
                }
                byte[] body = ("hello " + client).getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
            } catch (IOException handshakeFailedOrClosed) {
                // a refused client or the listener closing: what the tests provoke
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /**
     * Throw-away EC key pairs made by keytool in {@code dir}: the server's (CN=localhost, SAN 127.0.0.1) and the
     * client's (CN=upstream-guard-client), each side's trust store holding the other's certificate.
     */
    record Certificates(Path dir) {
        static Certificates generate(Path dir) throws Exception {
            Certificates c = new Certificates(dir);
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", c.serverKeys().toString());
            keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=upstream-guard-client", "-validity", "2", "-keystore", c.clientKeys().toString());
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", c.serverKeys().toString(), "-file",
                    dir.resolve("server.crt").toString());
            keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", c.clientKeys().toString(), "-file",
                    dir.resolve("client.crt").toString());
            keytool("-importcert", "-noprompt", "-alias", "server", "-file", dir.resolve("server.crt").toString(),
                    "-keystore", c.clientTrust().toString());
            keytool("-importcert", "-noprompt", "-alias", "client", "-file", dir.resolve("client.crt").toString(),
                    "-keystore", c.serverTrust().toString());
            return c;
        }

        Path serverKeys() {
            return dir.resolve("server.p12");
        }

        Path serverTrust() {
            return dir.resolve("server-trust.p12");
        }

        Path clientKeys() {
            return dir.resolve("client.p12");
        }

        Path clientTrust() {
            return dir.resolve("client-trust.p12");
        }

        private static void keytool(String... args) throws Exception {
            List<String> command = new java.util.ArrayList<>(
                    List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
            command.addAll(List.of(args));
            command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
            if (args[0].equals("-genkeypair")) {
                command.addAll(List.of("-keypass", PASSWORD));
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
    }
}
