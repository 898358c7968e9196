package dev.upstreamguard.spring.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The embedded servlet server's effective idle keep-alive, from Boot's {@code server.*} properties and the server's
 * own default: Tomcat {@code server.tomcat.keep-alive-timeout}, else {@code server.tomcat.connection-timeout}, else
 * 60s; Jetty {@code server.jetty.connection-idle-timeout}, else 30s.
 *
 * @param server   the server's name
 * @param value    the effective keep-alive; negative means unlimited
 * @param property the property that sets it (to name in the fix)
 * @param source   where the value came from, for the message: "from server.tomcat.keep-alive-timeout"
 */
record ServerKeepAlive(String server, Duration value, String property, String source) {
    private static final Duration TOMCAT_DEFAULT = Duration.ofSeconds(60);
    private static final Duration JETTY_DEFAULT = Duration.ofSeconds(30);

    /** The keep-alive of the server {@code context} runs on, or empty when it is not a servlet web application. */
    static Optional<ServerKeepAlive> of(ApplicationContext context, Environment environment) {
        String server = serverName(context);
        if (server == null) {
            return Optional.empty();
        }
        Binder binder = Binder.get(environment);
        return switch (server) {
            case "Tomcat" -> Optional.of(tomcat(binder));
            case "Jetty" -> Optional.of(binder.bind("server.jetty.connection-idle-timeout", Duration.class)
                    .map(d -> new ServerKeepAlive("Jetty", d, "server.jetty.connection-idle-timeout",
                            "from server.jetty.connection-idle-timeout"))
                    .orElseGet(() -> new ServerKeepAlive("Jetty", JETTY_DEFAULT, "server.jetty.connection-idle-timeout",
                            "Jetty's default; server.jetty.connection-idle-timeout is unset")));
            default -> Optional.empty();
        };
    }

    private static ServerKeepAlive tomcat(Binder binder) {
        String keepAlive = "server.tomcat.keep-alive-timeout";
        String connection = "server.tomcat.connection-timeout";
        return binder.bind(keepAlive, Duration.class)
                .map(d -> new ServerKeepAlive("Tomcat", d, keepAlive, "from " + keepAlive))
                .orElseGet(() -> binder.bind(connection, Duration.class)
                        .map(d -> new ServerKeepAlive("Tomcat", d, keepAlive,
                                "from " + connection + "; " + keepAlive + " is unset"))
                        .orElseGet(() -> new ServerKeepAlive("Tomcat", TOMCAT_DEFAULT, keepAlive,
                                "Tomcat's default; " + keepAlive + " and " + connection + " are unset")));
    }

    /**
     * Tomcat, Jetty, another name, or {@code null} outside a servlet web application: the running web server's
     * class when the context has one, else the servers on the class path in Boot's order of preference.
     */
    private static String serverName(ApplicationContext context) {
        if (!isServletWebContext(context)) {
            return null;
        }
        Method getWebServer = ReflectionUtils.findMethod(context.getClass(), "getWebServer");
        Object webServer = getWebServer == null ? null : ReflectionUtils.invokeMethod(getWebServer, context);
        if (webServer != null) {
            String simpleName = webServer.getClass().getSimpleName();
            return simpleName.startsWith("Tomcat") ? "Tomcat" : simpleName.startsWith("Jetty") ? "Jetty" : simpleName;
        }
        ClassLoader cl = context.getClassLoader();
        if (ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", cl)) {
            return "Tomcat";
        }
        if (ClassUtils.isPresent("org.eclipse.jetty.server.Server", cl)) {
            return "Jetty";
        }
        return "unknown";
    }

    private static boolean isServletWebContext(ApplicationContext context) {
        return ClassUtils.isPresent("org.springframework.web.context.WebApplicationContext", context.getClassLoader())
                && context instanceof org.springframework.web.context.WebApplicationContext;
    }
}
