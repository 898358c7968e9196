package dev.upstreamguard.reliability;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.servlet.UpstreamGuardConfig;
import java.time.Duration;

/**
 * Starts this package's {@link GatewayApp} (Jetty + the guard filter, route {@code /api/*} to one upstream) for the
 * kernel fault suite, whose scenario runs in another package and puts HAProxy in front of it.
 */
public final class GatewayForKernelSuite implements AutoCloseable {
    private final GatewayApp app;

    private GatewayForKernelSuite(GatewayApp app) {
        this.app = app;
    }

    /** A gateway on 127.0.0.1 (random port) whose requests get {@code requestTimeout} as their deadline. */
    public static GatewayForKernelSuite start(Upstream api, Duration requestTimeout) throws Exception {
        UpstreamGuardConfig config = UpstreamGuardConfig.builder().requestTimeout(requestTimeout).build();
        return new GatewayForKernelSuite(GatewayApp.builder(config).route("api", api).threads(2, 8,
                Duration.ofSeconds(1)).start());
    }

    /** The gateway's port. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() throws Exception {
        app.close();
    }
}
