package dev.upstreamguard.spring.autoconfigure;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.spring.autoconfigure.UpstreamGuardConfigurationException.Problem;
import java.util.List;
import java.util.Locale;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.Ordered;

/**
 * Applies Spring Boot's HTTP client settings to each upstream's client, first among the {@link UpstreamCustomizer}s:
 * the SSL bundle named by {@code upstream-guard.upstreams.<name>.ssl.bundle} (key and trust material: mTLS, custom
 * trust) and Boot's redirect setting ({@code spring.http.serviceclient.<name>.redirects}, else
 * {@code spring.http.clients.redirects} on Boot 4, {@code spring.http.client.redirects} on Boot 3.5). HttpClient's
 * own automatic retries stay off whatever is set here: core builds every client without them.
 */
public final class UpstreamHttpClientSettings implements UpstreamCustomizer, Ordered {
    /** The order: {@code Ordered.HIGHEST_PRECEDENCE + 10}, before the application's customizers. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final Binder binder;
    private final ObjectProvider<SslBundles> sslBundles;

    /** Settings read through {@code binder}, bundles from {@code sslBundles}. */
    public UpstreamHttpClientSettings(Binder binder, ObjectProvider<SslBundles> sslBundles) {
        this.binder = binder;
        this.sslBundles = sslBundles;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void customize(String name, Upstream.Builder builder) {
        Problems problems = new Problems(PropertyNames.forUpstream(name));
        sslBundle(name, problems, builder);
        redirects(name, problems, builder);
        problems.throwIfAny();
    }

    private void sslBundle(String name, Problems problems, Upstream.Builder builder) {
        String property = PropertyNames.upstreamPrefix(name) + ".ssl.bundle";
        String bundleName = binder.bind(property, String.class)
                .orElseGet(() -> binder.bind(PropertyNames.PREFIX + ".upstream-defaults.ssl.bundle", String.class)
                        .orElse(null));
        if (bundleName == null || bundleName.isBlank()) {
            return;
        }
        SslBundles bundles = sslBundles.getIfAvailable();
        if (bundles == null) {
            problems.add(new Problem(property, bundleName, "the application has no SslBundles bean",
                    "declare the bundle under spring.ssl.bundle.* with Spring Boot's SSL auto-configuration on"));
            return;
        }
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(bundleName);
        } catch (NoSuchSslBundleException e) {
            problems.add(new Problem(property, bundleName, "no SSL bundle is called '" + bundleName + "'",
                    "declare it under spring.ssl.bundle.jks." + bundleName + " or spring.ssl.bundle.pem." + bundleName
                            + ", or name a declared bundle"));
            return;
        }
        if (bundle.getOptions().getCiphers() != null || bundle.getOptions().getEnabledProtocols() != null) {
            problems.add(new Problem(property, bundleName,
                    "the bundle's options (ciphers, enabled-protocols) are not applied to upstream connections",
                    "remove spring.ssl.bundle.*." + bundleName + ".options, or set them in an UpstreamCustomizer"));
            return;
        }
        problems.apply(property, bundle, b -> builder.sslContext(b.createSslContext()));
    }

    private void redirects(String name, Problems problems, Upstream.Builder builder) {
        for (String property : List.of("spring.http.serviceclient." + name + ".redirects", "spring.http.clients.redirects",
                "spring.http.client.redirects")) {
            String value = binder.bind(property, String.class).orElse(null);
            if (value == null) {
                continue;
            }
            switch (value.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "follow", "follow-when-possible" -> { }
                case "dont-follow" -> builder.customizeClient(HttpClientBuilder::disableRedirectHandling);
                default -> problems.add(new Problem(property, value,
                        "Spring Boot's redirect setting must be follow-when-possible, follow or dont-follow",
                        "set " + property + " to one of follow-when-possible, follow, dont-follow"));
            }
            return;
        }
    }
}
