package dev.upstreamguard.doctor.internal.cli;

import dev.upstreamguard.doctor.Verdict;
import dev.upstreamguard.doctor.chain.Chain;
import dev.upstreamguard.doctor.chain.ChainHop;
import dev.upstreamguard.doctor.chain.ChainInputException;
import dev.upstreamguard.doctor.chain.ChainReport;
import dev.upstreamguard.doctor.chain.ClientPool;
import dev.upstreamguard.doctor.chain.Durations;
import dev.upstreamguard.doctor.chain.Finding;
import dev.upstreamguard.doctor.chain.HaproxyConfig;
import dev.upstreamguard.doctor.chain.NginxConfig;
import dev.upstreamguard.doctor.chain.Presets;
import dev.upstreamguard.doctor.chain.Setting;
import dev.upstreamguard.doctor.chain.SpringConfig;
import dev.upstreamguard.doctor.internal.Json;
import dev.upstreamguard.doctor.internal.TextTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code chain}: the hops in the order their options are given ({@code --preset}, {@code --nginx},
 * {@code --haproxy}, a proxy given by {@code --proxy-timeout} / {@code --proxy-idle}), then the application server (from {@code --spring}, else Tomcat's or Jetty's defaults,
 * overridden by {@code --keep-alive} and {@code --deadline}), then the upstream pools of the Spring file.
 */
final class ChainCommand {
    static final List<String> WITH_VALUE = List.of("--preset", "--nginx", "--haproxy", "--spring", "--server",
            "--alb-idle", "--gcp-timeout", "--cloudflare-timeout", "--keep-alive", "--deadline",
            "--upstream-keep-alive", "--margin", "--proxy-timeout", "--proxy-idle");
    /** Largest configuration file read. */
    static final long MAX_FILE = 8L * 1024 * 1024;

    static final String USAGE = """
            usage: upstream-guard-doctor chain [hops, front to back] [application] [--margin 1s] [--json]
              hops:        --preset alb|gcp|cloudflare
                           (values: --alb-idle 60s, --gcp-timeout 30s, --cloudflare-timeout 100s)
                           --nginx FILE|-   (nginx -T output)   --haproxy FILE|-
                           --proxy-timeout 60s --proxy-idle 60s   (any proxy, by its values)
              application: --spring application.yaml|.properties   --server tomcat|jetty
                           --keep-alive 60s   --deadline 30s   --upstream-keep-alive NAME=5s
            exit codes: 0 every rule holds, 1 a rule is broken, 2 usage error or unreadable file
            """;

    private ChainCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return DoctorCli.OK;
        }
        ChainReport report;
        Args a;
        try {
            a = Args.parse(args, WITH_VALUE, List.of("--json"));
            if (!a.positional.isEmpty()) {
                throw new Args.UsageException("unexpected argument " + Args.shown(a.positional.get(0)));
            }
            report = build(a, in).check();
        } catch (Args.UsageException | ChainInputException e) {
            err.println("upstream-guard-doctor chain: " + TextTable.printable(e.getMessage()));
            return DoctorCli.USAGE;
        }
        if (a.has("--json")) {
            out.println(Json.write(json(report)));
        } else {
            out.print(human(report, Output.forConsole()));
        }
        return report.verdict() == Verdict.OK ? DoctorCli.OK : DoctorCli.PROBLEM;
    }

    static Chain build(Args a, InputStream in) {
        Chain.Builder chain = Chain.builder();
        SpringConfig spring = null;
        String springFile = a.value("--spring");
        if (springFile != null) {
            spring = SpringConfig.read(read("--spring", springFile, in), Path.of(springFile).getFileName()
                    .toString(), a.value("--server"));
        }
        boolean stdinUsed = false;
        boolean anyFront = false;
        boolean proxyAdded = false;
        for (Args.Option o : a.options) {
            switch (o.name()) {
                case "--preset" -> {
                    anyFront = true;
                    chain.hop(switch (o.value()) {
                        case "alb" -> Presets.alb(duration(a, "--alb-idle"));
                        case "gcp" -> Presets.gcp(duration(a, "--gcp-timeout"));
                        case "cloudflare" -> Presets.cloudflare(duration(a, "--cloudflare-timeout"));
                        default -> throw new Args.UsageException("--preset must be alb, gcp or cloudflare, but was "
                                + Args.shown(o.value()));
                    });
                }
                case "--nginx", "--haproxy" -> {
                    if (o.value().equals("-")) {
                        if (stdinUsed) {
                            throw new Args.UsageException(o.name() + ": standard input is already read");
                        }
                        stdinUsed = true;
                    }
                    anyFront = true;
                    String text = read(o.name(), o.value(), in);
                    String name = o.value().equals("-") ? "stdin" : Path.of(o.value()).getFileName().toString();
                    chain.hop(o.name().equals("--nginx") ? NginxConfig.read(text, name)
                            : HaproxyConfig.read(text, name));
                }
                case "--proxy-timeout", "--proxy-idle" -> {
                    if (!proxyAdded) {
                        proxyAdded = true;
                        anyFront = true;
                        chain.hop(givenProxy(a));
                    }
                }
                default -> { }
            }
        }
        if (spring != null && !anyFront && spring.declaredFrontProxy() != null) {
            chain.hop(spring.declaredFrontProxy());
        }
        chain.hop(appServer(a, spring));
        if (spring != null) {
            Map<String, Duration> measured = upstreamKeepAlives(a);
            for (ClientPool p : spring.pools()) {
                Duration m = measured.remove(p.upstream());
                chain.pool(m == null ? p : new ClientPool(p.upstream(), p.connectTimeout(), p.attemptTimeout(),
                        p.maxAttempts(), p.backoff(), p.leaseTimeout(), p.idleTimeout(),
                        new Setting(m, p.idleTimeout().knob().replace("idle-timeout", "keep-alive"),
                                "--upstream-keep-alive")));
            }
            if (!measured.isEmpty()) {
                throw new Args.UsageException("--upstream-keep-alive names an upstream not in the Spring file: "
                        + Args.shown(measured.keySet().iterator().next()));
            }
            if (spring.declaredMargin() != null && !a.has("--margin")) {
                chain.margin(spring.declaredMargin());
            }
        } else if (a.has("--upstream-keep-alive")) {
            throw new Args.UsageException("--upstream-keep-alive needs --spring (the upstreams are read from it)");
        }
        Duration margin = duration(a, "--margin");
        if (margin != null) {
            chain.margin(margin);
        }
        return chain.build();
    }

    /** A proxy known only by the values given: its response timeout and how long it reuses idle connections. */
    private static ChainHop givenProxy(Args a) {
        Duration timeout = duration(a, "--proxy-timeout");
        Duration idle = duration(a, "--proxy-idle");
        return new ChainHop("Front proxy", dev.upstreamguard.doctor.Hop.REVERSE_PROXY, null,
                idle == null ? null : new Setting(idle, "the proxy's upstream idle timeout", "--proxy-idle"), null,
                timeout == null ? null : new Setting(timeout, "the proxy's read timeout", "--proxy-timeout"), null,
                List.of());
    }

    private static ChainHop appServer(Args a, SpringConfig spring) {
        ChainHop app = spring != null ? spring.appServer()
                : SpringConfig.read("", "none.properties", a.value("--server")).appServer();
        Duration keepAlive = duration(a, "--keep-alive");
        Duration deadline = duration(a, "--deadline");
        return ChainHop.appServer(app.name(),
                keepAlive == null ? app.keepAlive() : new Setting(keepAlive, app.keepAlive().knob(), "--keep-alive"),
                deadline == null ? app.deadline() : new Setting(deadline, app.deadline().knob(), "--deadline"));
    }

    private static Map<String, Duration> upstreamKeepAlives(Args a) {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (Args.Option o : a.options) {
            if (o.name().equals("--upstream-keep-alive")) {
                int eq = o.value().indexOf('=');
                if (eq <= 0) {
                    throw new Args.UsageException("--upstream-keep-alive must be NAME=DURATION, but was "
                            + Args.shown(o.value()));
                }
                out.put(o.value().substring(0, eq), parse("--upstream-keep-alive", o.value().substring(eq + 1)));
            }
        }
        return out;
    }

    private static Duration duration(Args a, String name) {
        String v = a.value(name);
        return v == null ? null : parse(name, v);
    }

    private static Duration parse(String name, String v) {
        try {
            return Durations.parse(v, "s");
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(name + ": " + Args.shown(v) + " is not a duration (write 60s, 500ms)");
        }
    }

    private static String read(String option, String file, InputStream in) {
        try {
            byte[] bytes;
            if (file.equals("-")) {
                bytes = in.readNBytes((int) MAX_FILE + 1);
            } else {
                Path path = Path.of(file);
                if (!Files.isRegularFile(path)) {
                    throw new Args.UsageException(option + ": no such file " + Args.shown(file));
                }
                if (Files.size(path) > MAX_FILE) {
                    throw new Args.UsageException(option + ": " + Args.shown(file) + " is larger than 8 MiB");
                }
                bytes = Files.readAllBytes(path);
            }
            if (bytes.length > MAX_FILE) {
                throw new Args.UsageException(option + ": standard input is larger than 8 MiB");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new Args.UsageException(option + ": cannot read " + Args.shown(file));
        }
    }

    static Map<String, Object> json(ChainReport report) {
        return report.toMap();
    }

    static String human(ChainReport report, Output output) {
        TextTable hops = new TextTable("HOP", "KEEP-ALIVE", "POOL IDLE", "CONNECT", "WAITS", "NAME");
        for (ChainHop h : report.hops()) {
            hops.row(h.hop().label(), show(h.keepAlive()), show(h.poolIdle()), show(h.connectTimeout()),
                    h.deadline() != null ? "deadline " + show(h.deadline()) : show(h.responseTimeout()), h.name());
        }
        for (ClientPool p : report.pools()) {
            hops.row("Connection pool", "-", show(p.idleTimeout()), show(p.connectTimeout()),
                    p.maxAttempts() + "x" + show(p.attemptTimeout()), "upstream '" + p.upstream() + "'"
                            + (p.upstreamKeepAlive() == null ? "" : ", its keep-alive "
                            + show(p.upstreamKeepAlive())));
        }
        TextTable findings = new TextTable("MARK", "RULE", "FINDING");
        for (Finding f : report.findings()) {
            findings.row(output.mark(f.verdict()), f.rule(), f.front() + (f.back() == null ? "" : " -> " + f.back())
                    + ": " + f.message());
            if (!f.values().equals("-")) {
                findings.row("", "", "values: " + f.values());
            }
            if (f.fix() != null) {
                findings.row("", "", "fix: " + f.fix());
            }
        }
        return hops.render() + "\n" + output.colourMarks(findings.render()) + "\nchain: "
                + output.mark(report.verdict()) + " (" + report.problems().size() + " problem"
                + (report.problems().size() == 1 ? "" : "s") + ")\n";
    }

    private static String show(Setting s) {
        return s == null ? "-" : Durations.format(s.value());
    }
}
