package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.doctor.Verdict;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/** One run of a probe: the phases in order, each skipped when an earlier one failed. */
final class ProbeRun {
    private final UpstreamProbe.Config config;
    private final List<PhaseResult> phases = new ArrayList<>();

    ProbeRun(UpstreamProbe.Config config) {
        this.config = config;
    }

    ProbeReport run() {
        Instant startedAt = Instant.now();
        Budget budget = new Budget(config.budget());
        URI target = config.target();
        boolean https = target.getScheme().equals("https");
        int port = target.getPort() > 0 ? target.getPort() : https ? 443 : 80;
        String host = target.getHost().startsWith("[") ? target.getHost().substring(1, target.getHost().length() - 1)
                : target.getHost();
        ProbeConnection connection = null;
        try {
            ResolveStep.Outcome resolved = ResolveStep.run(host, config.resolver(), config.lookupTimeout(), budget);
            phases.add(config.poolAddresses() == null ? resolved.result()
                    : PoolAddressCheck.apply(resolved.result(), resolved.addresses(), port,
                            config.poolAddresses().get(), config.maxConnectionLifetime()));
            if (resolved.addresses().isEmpty()) {
                return report(startedAt, budget, "name not resolved");
            }
            ConnectStep.Outcome connected = ConnectStep.run(resolved.addresses(), port, config.connectTimeout(),
                    budget);
            phases.add(connected.result());
            if (connected.socket() == null) {
                return report(startedAt, budget, "not connected");
            }
            Socket socket = connected.socket();
            if (https) {
                TlsStep.Outcome tls = TlsStep.run(socket, connected.address(), host, port, sslContext(),
                        config.responseTimeout(), config.connectTimeout(), budget);
                phases.add(tls.result());
                if (tls.socket() == null) {
                    return report(startedAt, budget, "no TLS session");
                }
                socket = tls.socket();
            } else {
                phases.add(PhaseResult.skipped(ProbePhase.TLS, "http"));
            }
            connection = new ProbeConnection(socket, budget);
            ExchangeStep.Request request = new ExchangeStep.Request(config.method(), config.path(),
                    hostHeader(target, https), config.headers());
            ExchangeStep.Outcome exchange = ExchangeStep.run(connection, request, config.responseTimeout());
            phases.add(exchange.processing());
            phases.add(exchange.transfer());
            if (!exchange.ok()) {
                return report(startedAt, budget, "no complete response");
            }
            if (config.idlePeriods().isEmpty()) {
                return report(startedAt, budget, "no idle periods asked for");
            }
            phases.add(KeepAliveStep.run(connection, exchange, request, new KeepAliveStep.Settings(
                    config.idlePeriods(), config.poolIdleTimeout(), config.keepAliveMargin(),
                    config.responseTimeout()), budget));
            return report(startedAt, budget, null);
        } catch (IOException e) {
            // Only the socket's streams can throw here (the steps report their own failures).
            phases.add(PhaseResult.problem(ProbePhase.PROCESSING, Verdict.FAILED, budget.elapsed(),
                    "the connection broke: " + Words.safe(e.getMessage(), 80), null,
                    dev.upstreamguard.core.classify.FailureKind.CONNECTION_TERMINATED,
                    dev.upstreamguard.doctor.Hop.UPSTREAM, "probe again; if it repeats, read the upstream's logs."));
            return report(startedAt, budget, "connection broke");
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private SSLContext sslContext() {
        if (config.sslContext() != null) {
            return config.sslContext();
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    /** The report with every phase that did not run marked skipped, saying why. */
    private ProbeReport report(Instant startedAt, Budget budget, String why) {
        List<PhaseResult> all = new ArrayList<>();
        for (ProbePhase phase : ProbePhase.values()) {
            PhaseResult found = phases.stream().filter(p -> p.phase() == phase).findFirst().orElse(null);
            all.add(found != null ? found : PhaseResult.skipped(phase, why == null ? "not run" : why));
        }
        return new ProbeReport(config.target(), config.method(), startedAt, budget.elapsed(), config.budget(), all);
    }

    private static String hostHeader(URI target, boolean https) {
        int port = target.getPort();
        boolean defaultPort = port < 0 || (https ? port == 443 : port == 80);
        return target.getHost() + (defaultPort ? "" : ":" + port);
    }
}
