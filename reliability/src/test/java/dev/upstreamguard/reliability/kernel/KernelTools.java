package dev.upstreamguard.reliability.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The kernel changes and helper processes of the suite's cases, each applied inside one {@link Netns} only:
 * nftables rules, a NAT redirect, dnsmasq, HAProxy's configuration and log, and bounded waits for listeners.
 */
final class KernelTools {
    /** dnsmasq's process ID per namespace (a migration sends it SIGHUP). */
    static final Map<String, Long> DNSMASQ_PIDS = new ConcurrentHashMap<>();

    private KernelTools() {
    }

    static String haproxyConfig(int gatewayPort) {
        return String.join("\n",
                "global",
                "  log stdout format raw local0",
                "defaults",
                "  mode http",
                "  log global",
                "  option httplog",
                "  timeout connect 2s",
                "  timeout client 15s",
                "  timeout server 10s",
                "frontend fe",
                "  bind 127.0.0.1:8000",
                "  default_backend gateway",
                "backend gateway",
                "  server gw 127.0.0.1:" + gatewayPort,
                "");
    }

    /** The termination state of an httplog line: the 4-character field after the two cookie fields. */
    static String haproxyTermination(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile(" \\d+/\\d+/\\d+/\\d+/\\d+ (\\d{3}) \\d+ \\S+ \\S+ (\\S{4}) ").matcher(line);
        return m.find() ? m.group(2) : "?";
    }

    static String awaitLine(Path file, String marker) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    if (line.contains(marker)) {
                        return line;
                    }
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no line with '" + marker + "' in " + file);
            }
            Thread.sleep(20); // polling a log file, bounded above
        }
    }

    static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    static Map<String, Integer> kinds(String s) {
        Map<String, Integer> m = new HashMap<>();
        for (String kv : s.replace("{", "").replace("}", "").split(",\\s*")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=");
                m.put(p[0], Integer.parseInt(p[1]));
            }
        }
        return m;
    }

    /**
     * Adds a filter rule to the input hook of table inet ug in {@code ns} (creating table and chain): the
     * firewall sits where the packets arrive, so the sender learns nothing but what the rule answers (a drop in
     * the output hook would fail the sender's own send with EPERM at once).
     */
    static void firewall(Netns ns, String rule) throws IOException {
        ns.exec("nft", "add table inet ug");
        ns.exec("nft", "add chain inet ug in { type filter hook input priority 0 ; }");
        ns.exec("nft", "add rule inet ug in " + rule);
    }

    /** Redirects connections to {@code from} to {@code to} on the same address (locally made: nat output). */
    static void redirect(Netns ns, int from, int to) throws IOException {
        ns.exec("nft", "add table ip ugnat");
        ns.exec("nft", "add chain ip ugnat out { type nat hook output priority -100 ; }");
        ns.exec("nft", "add rule ip ugnat out tcp dport " + from + " redirect to :" + to);
    }

    /** Starts dnsmasq in {@code ns} on 127.0.0.1:53 with {@code hosts}; the namespace's resolv.conf points to it. */
    static Path dnsmasq(Path tmp, Netns ns, String hosts, String... extra) throws Exception {
        Path file = tmp.resolve(ns.name() + ".hosts");
        Files.writeString(file, hosts);
        // The resolver's own bound (2 s, one try) stays above the connect budget the library applies.
        ns.resolvConf("nameserver 127.0.0.1\noptions timeout:2 attempts:1\n");
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1", "--bind-interfaces", "--user=root",
                "--addn-hosts=" + file, "--local-ttl=1", "--local=/test/", "--log-facility=-"));
        cmd.addAll(List.of(extra));
        Process p = ns.start(tmp.resolve(ns.name() + "-dnsmasq.log"), cmd.toArray(String[]::new));
        DNSMASQ_PIDS.put(ns.name(), p.pid());
        awaitListening(ns, "-lun", "127.0.0.1:53");
        return file;
    }

    static void awaitListening(Netns ns, String ssFlags, String address) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ns.exec("ss", ssFlags).contains(address + " ")) {
            if (System.nanoTime() > end) {
                throw new AssertionError(address + " not listening in " + ns.name());
            }
            Thread.sleep(20); // polling the kernel's socket table, bounded above
        }
    }
}
