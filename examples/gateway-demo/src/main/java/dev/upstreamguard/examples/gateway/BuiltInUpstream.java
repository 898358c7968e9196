package dev.upstreamguard.examples.gateway;

import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's misbehaving upstream: one {@link FaultyUpstream} on a loopback port per {@link DemoRoute} (none for
 * {@link DemoRoute#REFUSED}, whose port nothing listens on), plus a healthy one behind the {@code backend} upstream
 * that {@code /api/**} forwards to. Started before the application context, closed with it.
 */
public final class BuiltInUpstream implements AutoCloseable {
    /** The upstream {@code /api/**} forwards to. */
    public static final String BACKEND = "backend";

    private final Map<DemoRoute, FaultyUpstream> servers = new EnumMap<>(DemoRoute.class);
    private final Map<DemoRoute, String> baseUris = new EnumMap<>(DemoRoute.class);
    private final FaultyUpstream backend;

    private BuiltInUpstream() {
        try {
            for (DemoRoute route : DemoRoute.values()) {
                Fault fault = route.fault();
                if (fault == null) {
                    baseUris.put(route, "http://127.0.0.1:" + FaultyUpstream.refusedPort());
                } else {
                    FaultyUpstream server = FaultyUpstream.start(fault);
                    servers.put(route, server);
                    baseUris.put(route, server.baseUri());
                }
            }
            backend = FaultyUpstream.start(Fault.ok("application/json",
                    "{\"message\":\"hello from the built-in backend\"}"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts every server; each listens when this returns. */
    public static BuiltInUpstream start() {
        return new BuiltInUpstream();
    }

    /** The {@code upstream-guard.upstreams.<name>.base-uri} properties pointing each upstream at its server. */
    public Map<String, Object> baseUriProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        baseUris.forEach((route, uri) -> properties.put(baseUriProperty(route.routeName()), uri));
        properties.put(baseUriProperty(BACKEND), backend.baseUri());
        return properties;
    }

    /** The name of the base-URI property of upstream {@code name}. */
    public static String baseUriProperty(String name) {
        return "upstream-guard.upstreams." + name + ".base-uri";
    }

    /** The server behind {@code route}, or {@code null} for {@link DemoRoute#REFUSED}. */
    public FaultyUpstream server(DemoRoute route) {
        return servers.get(route);
    }

    /** The server behind the {@code backend} upstream. */
    public FaultyUpstream backend() {
        return backend;
    }

    /** Closes every server. Idempotent. */
    @Override
    public void close() {
        servers.values().forEach(FaultyUpstream::close);
        if (backend != null) {
            backend.close();
        }
    }
}
