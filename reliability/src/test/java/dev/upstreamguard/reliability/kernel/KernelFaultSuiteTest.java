package dev.upstreamguard.reliability.kernel;

import static dev.upstreamguard.reliability.kernel.KernelTools.awaitLine;
import static dev.upstreamguard.reliability.kernel.KernelTools.awaitListening;
import static dev.upstreamguard.reliability.kernel.KernelTools.dnsmasq;
import static dev.upstreamguard.reliability.kernel.KernelTools.firewall;
import static dev.upstreamguard.reliability.kernel.KernelTools.haproxyConfig;
import static dev.upstreamguard.reliability.kernel.KernelTools.haproxyTermination;
import static dev.upstreamguard.reliability.kernel.KernelTools.kinds;
import static dev.upstreamguard.reliability.kernel.KernelTools.onPath;
import static dev.upstreamguard.reliability.kernel.KernelTools.redirect;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults made by the Linux kernel, each in a network namespace of its own that this suite creates and
 * always deletes: firewall DROP and REJECT, prohibit and unreachable routes, netem delay/loss/reordering, a tbf
 * bandwidth limit, DNS failures and a migration through dnsmasq, TLS interception and bad certificates, a full
 * accept queue. Every rule, route and qdisc goes into such a namespace only ({@link Netns}); the calls are made by
 * a {@link Scenario} JVM started inside it. Needs Linux, root, iproute2, nftables, dnsmasq and openssl; skips with
 * one line otherwise, and writes {@link KernelReport} (CI fails when it was skipped).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelFaultSuiteTest {
    /** Scheduling slack past a deadline on a busy 2-core machine (the elapsed time is the library's own). */
    private static final long SLACK = 500;
    private static final long CONNECT = 500;
    private static final long ATTEMPT = 1500;
    private static final long REQUEST = 4000;
    private static final String HTTP = "http:127.0.0.1:8080:64";
    private static final String TARGET = "target=http://127.0.0.1:8080";

    @TempDir
    static Path tmp;
    private static KernelReport report;
    private static Path certs;
    private static long suiteStart;

    @BeforeAll
    static void prepare() throws Exception {
        report = new KernelReport(KernelReport.defaultFile());
        String reason = cannotRun();
        if (reason != null) {
            System.out.println("KERNEL-FAULTS skipped: " + reason);
            report.skipped(reason);
            Assumptions.abort("kernel fault suite skipped: " + reason);
        }
        suiteStart = System.nanoTime();
        List<String> swept = Netns.sweepLeftovers();
        if (!swept.isEmpty()) {
            System.out.println("KERNEL-FAULTS removed namespaces left by an earlier run: " + swept);
        }
        certs = Files.createDirectories(tmp.resolve("certs"));
        Certificates.generate(certs);
    }

    @AfterAll
    static void writeReport() throws IOException {
        if (suiteStart != 0) {
            report.finish(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - suiteStart));
        }
    }

    private static String cannotRun() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "not Linux";
        }
        try {
            if (!Netns.run(List.of("id", "-u")).trim().equals("0")) {
                return "not root";
            }
        } catch (IOException e) {
            return "cannot run id: " + e.getMessage();
        }
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("ip", "tc", "nft", "dnsmasq", "openssl", "ss", "bash")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            return "missing tools: " + String.join(", ", missing);
        }
        try (Netns probe = Netns.create()) {
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot create a network namespace: " + e.getMessage().lines().findFirst().orElse("");
        }
    }

    // ---- firewall and routes ----

    @Test
    @Order(1)
    void droppedSynsAreAConnectionTimeoutWithinTheDeadline() throws Exception {
        try (Netns ns = Netns.create()) {
            String rule = "tcp dport 8080 tcp flags & (syn | ack) == syn drop";
            firewall(ns, rule);
            failure("firewall DROP of SYNs", "nft input: " + rule, ns, Map.of(), args("serve=" + HTTP, TARGET),
                    "connection_timeout", 504, 3, REQUEST, "tcp", "-");
        }
    }

    @Test
    @Order(2)
    void rejectWithTcpResetIsConnectionRefused() throws Exception {
        try (Netns ns = Netns.create()) {
            String rule = "tcp dport 8080 reject with tcp reset";
            firewall(ns, rule);
            failure("REJECT with tcp reset", "nft input: " + rule, ns, Map.of(), args("serve=" + HTTP, TARGET),
                    "connection_refused", 502, 3, REQUEST, "tcp", "-");
        }
    }

    @Test
    @Order(3)
    void icmpAdminProhibitedOverIpv4ReachesJavaAsNoRouteSoItIsUnroutable() throws Exception {
        try (Netns ns = Netns.create()) {
            String rule = "ip daddr 127.0.0.2 tcp dport 8080 reject with icmp type admin-prohibited";
            firewall(ns, rule);
            failure("REJECT with ICMP admin-prohibited (IPv4)", "nft input: " + rule, ns, Map.of(),
                    args("serve=http:127.0.0.2:8080:64", "target=http://127.0.0.2:8080"),
                    "destination_ip_unroutable", 502, 3, REQUEST, "tcp",
                    "none possible: EHOSTUNREACH, same as host-unreachable");
        }
    }

    @Test
    @Order(4)
    void icmpHostUnreachableIsUnroutable() throws Exception {
        try (Netns ns = Netns.create()) {
            String rule = "ip daddr 127.0.0.2 tcp dport 8080 reject with icmp type host-unreachable";
            firewall(ns, rule);
            failure("REJECT with ICMP host-unreachable", "nft input: " + rule, ns, Map.of(),
                    args("serve=http:127.0.0.2:8080:64", "target=http://127.0.0.2:8080"),
                    "destination_ip_unroutable", 502, 3, REQUEST, "tcp", "-");
        }
    }

    @Test
    @Order(5)
    void icmpv6AdminProhibitedIsDestinationProhibited() throws Exception {
        try (Netns ns = Netns.create()) {
            String rule = "ip6 daddr ::1 tcp dport 8080 reject with icmpv6 type admin-prohibited";
            firewall(ns, rule);
            failure("REJECT with ICMPv6 admin-prohibited", "nft input: " + rule, ns, Map.of(),
                    args("serve=http:[::1]:8080:64", "target=http://[::1]:8080", "connect=2500", "attempt=3000",
                            "request=6000"),
                    "destination_ip_prohibited", 502, 1, 3000, "tcp",
                    "new kind destination_ip_prohibited (EACCES -> BindException \"Permission denied\")");
        }
    }

    @Test
    @Order(6)
    void prohibitRouteIsDestinationProhibitedAndNotRetried() throws Exception {
        try (Netns ns = Netns.create()) {
            ns.exec("ip", "route", "add", "prohibit", "127.0.0.2/32", "table", "local");
            failure("`prohibit` route", "ip route add prohibit 127.0.0.2/32 table local", ns, Map.of(),
                    args("serve=" + HTTP, "target=http://127.0.0.2:8080"),
                    "destination_ip_prohibited", 502, 1, ATTEMPT, "tcp",
                    "new kind destination_ip_prohibited, error page wording");
        }
    }

    @Test
    @Order(7)
    void unreachableRouteIsUnroutable() throws Exception {
        try (Netns ns = Netns.create()) {
            ns.exec("ip", "route", "add", "unreachable", "127.0.0.2/32", "table", "local");
            failure("`unreachable` route", "ip route add unreachable 127.0.0.2/32 table local", ns, Map.of(),
                    args("serve=" + HTTP, "target=http://127.0.0.2:8080"),
                    "destination_ip_unroutable", 502, 3, REQUEST, "tcp", "-");
        }
    }

    @Test
    @Order(8)
    void everythingDroppedMidBodyEndsAtTheAttemptDeadlineAndTheConnectionIsEvicted() throws Exception {
        try (Netns ns = Netns.create()) {
            Map<String, ScenarioRun.Action> events = Map.of("mid-body", arg -> {
                firewall(ns, "tcp dport 8080 drop");
                firewall(ns, "tcp sport 8080 drop");
            });
            ScenarioRun r = failure("DROP of everything mid-body",
                    "nft input: tcp dport 8080 drop; tcp sport 8080 drop (after 64 KiB of a 1 MiB body)", ns, events,
                    args("serve=pause:127.0.0.1:8080:1048576:65536", TARGET, "attempts=1"),
                    "http_response_timeout", 504, 1, ATTEMPT, "http", "-");
            assertThat(r.num("elapsedMs")).as("ended by the attempt deadline").isGreaterThanOrEqualTo(ATTEMPT - 100);
            assertThat(r.get("details")).isEqualTo("response body not complete in time");
            assertThat(r.num("pooled")).as("connections kept in the pool").isZero();
        }
    }

    // ---- netem and tbf ----

    @Test
    @Order(9)
    void netemDelayWithJitterSucceedsWithinTheDeadline() throws Exception {
        netem("netem delay 200ms +/- 50ms", "netem delay 200ms 50ms", 1.0);
    }

    @Test
    @Order(10)
    void netemLossOfTenPercentMostlySucceedsAndFailuresAreClassified() throws Exception {
        netem("netem loss 10%", "netem loss 10%", 0.6);
    }

    @Test
    @Order(11)
    void netemLossOfThirtyPercentKeepsTheRetryBudget() throws Exception {
        netem("netem loss 30%", "netem loss 30%", 0.1);
    }

    @Test
    @Order(12)
    void netemReorderingSucceeds() throws Exception {
        netem("netem reorder 25% (delay 20ms)", "netem delay 20ms reorder 25% 50%", 1.0);
    }

    @Test
    @Order(12)
    void randomPacketLossByTheFirewallOfTenPercentMostlySucceeds() throws Exception {
        String rule = "meta l4proto tcp numgen random mod 100 < 10 drop";
        degradedLink("nft random loss 10%", "nft input: " + rule, 0.6, ns -> firewall(ns, rule));
    }

    @Test
    @Order(12)
    void randomPacketLossByTheFirewallOfThirtyPercentKeepsTheRetryBudget() throws Exception {
        String rule = "meta l4proto tcp numgen random mod 100 < 30 drop";
        degradedLink("nft random loss 30%", "nft input: " + rule, 0.1, ns -> firewall(ns, rule));
    }

    @Test
    @Order(13)
    void tbfTenKilobytesPerSecondOnAMegabyteBodyIsAResponseTimeoutAtTheAttemptDeadline() throws Exception {
        try (Netns ns = Netns.create()) {
            ns.exec("ip", "link", "set", "lo", "mtu", "1500");
            ns.exec("tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "80kbit", "burst", "1600", "latency",
                    "200ms");
            ScenarioRun r = failure("tbf 10 KB/s, 1 MiB body",
                    "ip link set lo mtu 1500; tc qdisc add dev lo root tbf rate 80kbit burst 1600 latency 200ms", ns,
                    Map.of(), args("serve=http:127.0.0.1:8080:1048576", TARGET, "attempts=1"),
                    "http_response_timeout", 504, 1, ATTEMPT, "http", "-");
            assertThat(r.num("elapsedMs")).as("ended by the attempt deadline").isGreaterThanOrEqualTo(ATTEMPT - 100);
        }
    }

    // ---- DNS through dnsmasq ----

    @Test
    @Order(14)
    void unknownNameIsDnsError() throws Exception {
        try (Netns ns = Netns.create()) {
            dnsmasq(tmp, ns, "127.0.0.1 api.test\n");
            ScenarioRun r = failure("DNS: unknown name (NXDOMAIN)", "dnsmasq --local=/test/, name not in its hosts",
                    ns, Map.of(), args("serve=" + HTTP, "target=http://nope.test:8080"),
                    "dns_error", 502, 1, CONNECT, "dns", "-");
            assertThat(r.get("details")).isEqualTo("host name did not resolve");
        }
    }

    @Test
    @Order(15)
    void servfailIsDnsErrorNamedServerFailure() throws Exception {
        try (Netns ns = Netns.create()) {
            dnsmasq(tmp, ns, "127.0.0.1 api.test\n", "--server=/broken.test/127.0.0.9");
            ScenarioRun r = failure("DNS: SERVFAIL", "dnsmasq forwards broken.test to a server answering SERVFAIL",
                    ns, Map.of(), args("serve=" + HTTP, "serve=servfail:127.0.0.9:53",
                            "target=http://api.broken.test:8080"),
                    "dns_error", 502, 1, CONNECT, "dns", "details name a server failure");
            assertThat(r.get("details")).isEqualTo("DNS lookup failed (server failure)");
        }
    }

    @Test
    @Order(16)
    void noDnsAnswerIsDnsLookupTimedOutBoundedByTheConnectBudget() throws Exception {
        try (Netns ns = Netns.create()) {
            dnsmasq(tmp, ns, "127.0.0.1 api.test\n");
            firewall(ns, "udp dport 53 drop");
            firewall(ns, "tcp dport 53 drop");
            ScenarioRun r = failure("DNS: no answer (port 53 dropped)",
                    "nft input: udp dport 53 drop; tcp dport 53 drop",
                    ns, Map.of(), args("serve=" + HTTP, "target=http://api.test:8080"),
                    "dns_error", 502, 1, CONNECT, "dns",
                    "lookup bounded by the connect timeout, \"DNS lookup timed out\"");
            assertThat(r.get("details")).isEqualTo("DNS lookup timed out");
            assertThat(r.num("elapsedMs")).as("the connect budget, not the resolver's 2 s").isGreaterThanOrEqualTo(
                    CONNECT - 50);
        }
    }

    @Test
    @Order(17)
    void severalAddressesWithOneDeadSucceedThroughTheLiveOne() throws Exception {
        try (Netns ns = Netns.create()) {
            dnsmasq(tmp, ns, "127.0.0.2 multi.test\n127.0.0.3 multi.test\n");
            firewall(ns, "ip daddr 127.0.0.2 drop");
            ScenarioRun r = ScenarioRun.run(ns, Map.of(), args("serve=http:127.0.0.3:8080:64",
                    "target=http://multi.test:8080", "calls=10", "users=2", "request=4000"));
            report.row("DNS: two addresses, one dead", "dnsmasq: multi.test = 127.0.0.2, 127.0.0.3; nft: ip daddr"
                    + " 127.0.0.2 drop", r.get("kinds"), "200", r.get("attemptsTotal") + " for 10 calls",
                    "p99 " + r.get("p99") + " / " + REQUEST, "-", "-");
            assertThat(r.get("kinds")).isEqualTo("{ok=10}");
            assertClean(r);
        }
    }

    @Test
    @Order(18)
    void migrationReachesTheNewAddressWithinDnsTtlPlusConnectionLifetime() throws Exception {
        ScenarioRun r = migration(2000);
        long bound = 1000 + 2000 + 1000;
        report.row("DNS migration (record changes under traffic), maxConnectionLifetime 2 s",
                "dnsmasq: api.test 127.0.0.2 -> 127.0.0.3, SIGHUP", "ok (" + r.get("failed") + " failed)", "200",
                "-", "new address first after " + r.get("firstNewMs") + ", old last after " + r.get("lastOldMs")
                        + " / bound " + bound + "; pool at the end " + r.get("poolAddresses"), "-",
                "maxConnectionLifetime (HttpClient time-to-live); Upstream.connectionAddresses() in health");
        assertThat(r.num("firstNewMs")).isBetween(0L, bound);
        assertThat(r.get("poolAddresses")).isEqualTo("{127.0.0.3:8080=1}");
        assertThat(r.num("lastOldMs")).isLessThanOrEqualTo(bound);
        assertThat(r.num("failed")).isZero();
    }

    @Test
    @Order(19)
    void withoutALifetimeBoundABusyConnectionStaysOnTheOldAddress() throws Exception {
        ScenarioRun r = migration(300_000);
        report.row("DNS migration, lifetime 5 min (control)", "same as above", "ok", "200", "-",
                r.get("oldAfterChange") + " of " + r.get("callsAfterChange") + " calls after the change still on"
                        + " the old address; pool at the end " + r.get("poolAddresses"), "-",
                "(shows why the lifetime is needed)");
        assertThat(r.num("callsAfterChange")).isPositive();
        assertThat(r.get("poolAddresses")).isEqualTo("{127.0.0.2:8080=1}");
        assertThat(r.num("oldAfterChange")).isEqualTo(r.num("callsAfterChange"));
    }

    private ScenarioRun migration(long lifetimeMillis) throws Exception {
        try (Netns ns = Netns.create()) {
            Path hosts = dnsmasq(tmp, ns, "127.0.0.2 api.test\n");
            Map<String, ScenarioRun.Action> events = Map.of("migrate", arg -> {
                Files.writeString(hosts, "127.0.0.3 api.test\n");
                Netns.run(List.of("kill", "-HUP", String.valueOf(KernelTools.DNSMASQ_PIDS.get(ns.name()))));
            });
            ScenarioRun r = ScenarioRun.run(ns, events, args("serve=http:127.0.0.2:8080:64",
                    "serve=http:127.0.0.3:8080:64", "target=http://api.test:8080", "lifetime=" + lifetimeMillis,
                    "migrateAfter=1000", "runAfter=5000"));
            assertThat(r.get("firstAddress")).isEqualTo("127.0.0.2");
            assertClean(r);
            return r;
        }
    }

    // ---- TLS ----

    @Test
    @Order(20)
    void trustedUpstreamCertificateSucceeds() throws Exception {
        try (Netns ns = Netns.create()) {
            ScenarioRun r = ScenarioRun.run(ns, Map.of(), tls("upstream", List.of()));
            assertThat(r.get("kinds")).isEqualTo("{ok=1}");
            assertClean(r);
        }
    }

    @Test
    @Order(21)
    void interceptingMiddleboxWithAnotherCaIsACertificateError() throws Exception {
        try (Netns ns = Netns.create()) {
            redirect(ns, 8443, 9443);
            failure("TLS interception: middlebox re-signs with another CA",
                    "nft nat output: tcp dport 8443 redirect to :9443 (middlebox)", ns, Map.of(),
                    tls("upstream", List.of("serve=https:127.0.0.1:9443:64:" + certs.resolve("middlebox.p12"))),
                    "tls_certificate_error", 502, 1, ATTEMPT, "tls", "-");
        }
    }

    @Test
    @Order(22)
    void expiredCertificateIsACertificateError() throws Exception {
        try (Netns ns = Netns.create()) {
            failure("TLS: expired certificate", "(certificate, no kernel change)", ns, Map.of(),
                    tls("expired", List.of()), "tls_certificate_error", 502, 1, ATTEMPT, "tls", "-");
        }
    }

    @Test
    @Order(23)
    void hostNameMismatchIsACertificateError() throws Exception {
        try (Netns ns = Netns.create()) {
            failure("TLS: host name mismatch", "(certificate for other.test only)", ns, Map.of(),
                    tls("mismatch", List.of()), "tls_certificate_error", 502, 1, ATTEMPT, "tls", "-");
        }
    }

    @Test
    @Order(24)
    void upstreamOfferingOnlyRefusedProtocolsIsATlsFailure() throws Exception {
        try (Netns ns = Netns.create()) {
            ns.start(tmp.resolve(ns.name() + "-openssl.log"), "openssl", "s_server", "-accept", "127.0.0.1:8443",
                    "-cert", certs.resolve("upstream.pem").toString(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
                    "-www", "-quiet");
            awaitListening(ns, "-ltn", "127.0.0.1:8443");
            ScenarioRun r = ScenarioRun.run(ns, Map.of(), args("target=https://127.0.0.1:8443",
                    "trust=" + certs.resolve("trust.p12")));
            row("TLS: upstream offers only TLS 1.1", "openssl s_server -tls1_1", r, ATTEMPT, "-");
            assertThat(r.get("kind")).isIn("tls_alert_received", "tls_protocol_error");
            assertThat(r.num("attempts")).isEqualTo(1);
            assertThat(r.get("log")).contains("layer=tls").contains("correlationId=kf");
            assertClean(r);
        }
    }

    @Test
    @Order(25)
    void middleboxSwallowingTheHandshakeReadsTlsHandshakeTimedOut() throws Exception {
        try (Netns ns = Netns.create()) {
            redirect(ns, 8443, 9443);
            ScenarioRun r = failure("TLS: middlebox accepts TCP, swallows the handshake",
                    "nft nat output: tcp dport 8443 redirect to :9443 (accepts, never answers)", ns, Map.of(),
                    tls("upstream", List.of("serve=swallow:127.0.0.1:9443")),
                    "connection_timeout", 504, 3, REQUEST, "tls", "\"TLS handshake timed out (TCP connected)\"");
            assertThat(r.get("details")).startsWith("TLS handshake timed out (TCP connected)");
            assertThat(r.get("log")).contains("details=\"TLS handshake timed out (TCP connected)");
        }
    }

    // ---- accept queue ----

    @Test
    @Order(26)
    void fullAcceptQueueIsAConnectionTimeoutAndLeavesNoBrokenConnectionPooled() throws Exception {
        try (Netns ns = Netns.create()) {
            ScenarioRun r = failure("full accept queue (backlog 1, never accepts)", "listen(backlog 1), queue filled",
                    ns, Map.of(), args("serve=backlog:127.0.0.1:8080", TARGET),
                    "connection_timeout", 504, 3, REQUEST, "tcp", "-");
            assertThat(r.num("pooled")).isZero();
        }
    }

    // ---- HAProxy in front ----

    @Test
    @Order(27)
    void haproxyInFrontReceivesTheGatewaysOwn504BeforeItsTimeout() throws Exception {
        if (!onPath("haproxy")) {
            System.out.println("KERNEL-FAULTS case skipped: HAProxy in front: haproxy not installed");
            Assumptions.abort("haproxy not installed");
        }
        try (Netns ns = Netns.create()) {
            String rule = "tcp dport 8080 tcp flags & (syn | ack) == syn drop";
            firewall(ns, rule);
            Path log = tmp.resolve(ns.name() + "-haproxy.log");
            Map<String, ScenarioRun.Action> events = Map.of("gateway", port -> {
                Path cfg = tmp.resolve(ns.name() + "-haproxy.cfg");
                Files.writeString(cfg, haproxyConfig(Integer.parseInt(port)));
                ns.start(log, "haproxy", "-f", cfg.toString(), "-db");
                awaitListening(ns, "-ltn", "127.0.0.1:8000");
            });
            ScenarioRun r = ScenarioRun.run(ns, events, args("serve=" + HTTP, TARGET, "frontProxy=8000",
                    "gatewayDeadline=3000"));
            String line = awaitLine(log, " 504 ");
            String termination = haproxyTermination(line);
            report.row("HAProxy in front: client -> HAProxy -> gateway -> upstream behind a SYN DROP",
                    "nft input: " + rule + "; haproxy timeout server 10s", "-",
                    r.result.getOrDefault("proxyStatus", "-"), r.get("clientStatus"), "-",
                    r.get("clientElapsedMs") + " / 10000 (HAProxy) and 3000 (gateway deadline)", "tcp",
                    "HAProxy logged 504, termination state " + termination);
            assertThat(r.num("clientStatus")).isEqualTo(504);
            assertThat(r.get("proxyStatus")).contains("error=connection_timeout");
            assertThat(r.get("requestId")).matches("[0-9a-f]{32}");
            assertThat(r.get("bodyHasRequestId")).isEqualTo("true");
            assertThat(r.num("clientElapsedMs")).as("the gateway answers before HAProxy's 10 s")
                    .isLessThanOrEqualTo(3000 + SLACK);
            assertThat(termination).as("HAProxy passed the gateway's own answer on: " + line).isEqualTo("----");
            assertClean(r);
        }
    }

    // ---- helpers ----

    private static ScenarioRun failure(String fault, String how, Netns ns, Map<String, ScenarioRun.Action> events,
            List<String> args, String kind, int status, int attempts, long deadline, String layer,
            String coreChange) throws Exception {
        ScenarioRun r = ScenarioRun.run(ns, events, args);
        row(fault, how, r, deadline, coreChange);
        assertThat(r.result).as(String.join("\n", r.transcript)).containsKey("kind");
        assertThat(r.get("kind")).as("kind; details: " + r.result.get("details")).isEqualTo(kind);
        assertThat(r.num("status")).isEqualTo(status);
        assertThat(r.num("attempts")).isEqualTo(attempts);
        assertThat(r.num("elapsedMs")).isLessThanOrEqualTo(deadline + SLACK);
        assertThat(r.get("log")).contains("layer=" + layer).contains("correlationId=kf")
                .contains("error=" + kind);
        assertClean(r);
        return r;
    }

    private static void row(String fault, String how, ScenarioRun r, long deadline, String coreChange) {
        String log = r.result.getOrDefault("log", "");
        String cause = log.contains("cause=") ? log.substring(log.lastIndexOf("cause=") + 6).trim() : "-";
        report.row(fault, how, cause.substring(cause.lastIndexOf('.') + 1), r.result.getOrDefault("kind",
                r.result.get("kinds")),
                r.result.getOrDefault("status", "-"), r.result.getOrDefault("attempts", "-"),
                r.result.getOrDefault("elapsedMs", "-") + " / " + deadline,
                layerOf(r.result.getOrDefault("log", "")), coreChange);
    }

    private static String layerOf(String log) {
        int i = log.indexOf("layer=");
        return i < 0 ? "-" : log.substring(i + 6).split(" ")[0];
    }

    private static void assertClean(ScenarioRun r) {
        assertThat(r.num("leased")).as("leased connections").isZero();
        assertThat(r.get("threadsLeft")).as("threads left behind").isEqualTo("none");
        if (r.result.containsKey("unlogged")) {
            assertThat(r.num("unlogged")).as("failures without a log line").isZero();
        }
    }

    private void netem(String label, String netem, double minOkShare) throws Exception {
        String how = "tc qdisc add dev lo root " + netem;
        degradedLink(label, how, minOkShare, ns -> {
            List<String> tc = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", "lo", "root"));
            tc.addAll(List.of(netem.split(" ")));
            try {
                ns.exec(tc.toArray(String[]::new));
            } catch (IOException e) {
                if (e.getMessage().contains("qdisc kind is unknown")) {
                    report.row(label, how, "not run: this kernel has no netem (sch_netem)", "-", "-", "-", "-", "-");
                    System.out.println("KERNEL-FAULTS case skipped: " + label + ": this kernel has no netem");
                    Assumptions.abort("this kernel has no netem (sch_netem)");
                }
                throw e;
            }
        });
    }

    private interface Setup {
        void apply(Netns ns) throws Exception;
    }

    /** 24 calls, 4 at a time, over a link made worse by {@code setup}: successes, classification, retry budget. */
    private void degradedLink(String label, String how, double minOkShare, Setup setup) throws Exception {
        try (Netns ns = Netns.create()) {
            setup.apply(ns);
            long request = 6000;
            ScenarioRun r = ScenarioRun.run(ns, Map.of(), args("serve=http:127.0.0.1:8080:1024", TARGET,
                    "calls=24", "users=4", "connect=1000", "attempt=2500", "request=" + request));
            long calls = r.num("calls");
            long retries = r.num("attemptsTotal") - calls;
            // The budget: 20% of the requests in a 10 s window plus a floor of 10 per window.
            long windows = 1 + r.num("wallMs") / 10_000;
            long allowed = (long) Math.ceil(0.2 * calls) + 10 * windows;
            Map<String, Integer> kinds = kinds(r.get("kinds"));
            long ok = kinds.getOrDefault("ok", 0);
            report.row(label, how, r.get("kinds"), "-",
                    r.get("attemptsTotal") + " for " + calls + " calls (retries " + retries + " <= budget " + allowed
                            + ")", "p50 " + r.get("p50") + ", p99 " + r.get("p99") + " / " + request,
                    layerOf(r.result.getOrDefault("log", "")), "-");
            report.figure("- " + label + ": all calls p50 " + r.get("p50") + " ms, p99 " + r.get("p99")
                    + " ms; successful calls p50 " + r.get("okP50") + " ms, p99 " + r.get("okP99") + " ms; "
                    + r.get("kinds") + "; retries " + retries + " (budget " + allowed + ")");
            assertThat((double) ok / calls).as("share of calls that succeeded: " + r.get("kinds"))
                    .isGreaterThanOrEqualTo(minOkShare);
            assertThat(kinds.keySet()).as("failures classified").isSubsetOf("ok", "connection_timeout",
                    "http_response_timeout", "connection_terminated", "http_response_incomplete");
            assertThat(r.num("maxFailureElapsed")).isLessThanOrEqualTo(request + SLACK);
            assertThat(retries).as("retries within the budget").isLessThanOrEqualTo(allowed);
            assertClean(r);
        }
    }

    private static List<String> tls(String certificate, List<String> more) {
        List<String> a = new ArrayList<>(List.of("serve=https:127.0.0.1:8443:64:" + certs.resolve(certificate + ".p12"),
                "target=https://127.0.0.1:8443", "trust=" + certs.resolve("trust.p12")));
        a.addAll(more);
        return a;
    }

    private static List<String> args(String... a) {
        return List.of(a);
    }

}
