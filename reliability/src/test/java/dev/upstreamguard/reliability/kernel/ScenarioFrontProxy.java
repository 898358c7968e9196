package dev.upstreamguard.reliability.kernel;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.reliability.GatewayForKernelSuite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Front-proxy mode: the gateway (Jetty + the guard filter) calls the upstream; the suite starts HAProxy in front
 * of it once the gateway's port is known (event {@code gateway <port>}); then one request goes client -> HAProxy
 * -> gateway -> upstream, and its status, timing, correlation ID and Proxy-Status are recorded.
 */
final class ScenarioFrontProxy {
    private ScenarioFrontProxy() {
    }

    static void run(Upstream upstream, BufferedReader control, int proxyPort, Duration gatewayDeadline,
            Map<String, String> result) throws Exception {
        try (GatewayForKernelSuite gateway = GatewayForKernelSuite.start(upstream, gatewayDeadline)) {
            Scenario.event("gateway", String.valueOf(gateway.port()), control);
            long start = System.nanoTime();
            String response = get(proxyPort, "/api/items");
            result.put("clientElapsedMs", String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            int headEnd = response.indexOf("\r\n\r\n");
            String head = headEnd < 0 ? response : response.substring(0, headEnd);
            String body = headEnd < 0 ? "" : response.substring(headEnd + 4);
            String[] lines = head.split("\r\n");
            result.put("clientStatus", lines[0].split(" ")[1]);
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("x-request-id:")) {
                    result.put("requestId", line.substring(13).trim());
                } else if (lower.startsWith("proxy-status:")) {
                    result.put("proxyStatus", line.substring(13).trim());
                }
            }
            String id = result.getOrDefault("requestId", "?");
            result.put("bodyHasRequestId", String.valueOf(body.contains(id)));
        }
    }

    /** One HTTP/1.1 GET with Connection: close, read to the end (bounded by a 20 s read timeout). */
    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: gateway.test\r\nAccept: application/problem+json\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
    }
}
