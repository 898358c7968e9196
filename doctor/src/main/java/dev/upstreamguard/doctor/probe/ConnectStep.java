package dev.upstreamguard.doctor.probe;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The connect phase: a TCP connect to every resolved address, in order, each with its time or its failure
 * (refused, timed out, unreachable, prohibited). The first connected socket is kept for the next phases.
 */
final class ConnectStep {
    /** The outcome of one address. */
    private record Attempt(String address, String outcome, Duration took, FailureKind kind, String errorType) {
    }

    record Outcome(PhaseResult result, Socket socket, InetAddress address) {
    }

    private ConnectStep() {
    }

    static Outcome run(List<InetAddress> addresses, int port, Duration connectTimeout, Budget budget) {
        long start = System.nanoTime();
        List<Attempt> attempts = new ArrayList<>();
        Socket kept = null;
        InetAddress keptAddress = null;
        for (InetAddress address : addresses) {
            if (budget.expired()) {
                attempts.add(new Attempt(address.getHostAddress(), "not tried (budget spent)", Duration.ZERO,
                        null, null));
                continue;
            }
            Socket socket = new Socket();
            long t0 = System.nanoTime();
            try {
                socket.connect(new InetSocketAddress(address, port), budget.timeoutMillis(connectTimeout));
                attempts.add(new Attempt(address.getHostAddress(), "connected", Budget.since(t0), null, null));
                if (kept == null) {
                    kept = socket;
                    keptAddress = address;
                } else {
                    closeQuietly(socket);
                }
            } catch (IOException e) {
                closeQuietly(socket);
                attempts.add(classify(address.getHostAddress(), e, Budget.since(t0)));
            }
        }
        return new Outcome(verdict(attempts, port, Budget.since(start)), kept, keptAddress);
    }

    private static Attempt classify(String address, IOException e, Duration took) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (e instanceof SocketTimeoutException) {
            return new Attempt(address, "timed out", took, FailureKind.CONNECTION_TIMEOUT, null);
        }
        if (message.contains("permission denied") || message.contains("operation not permitted")) {
            // EACCES / EPERM: a prohibit route or a local firewall rule. RFC 9209 has its own type for it.
            return new Attempt(address, "prohibited", took, FailureKind.DESTINATION_IP_UNROUTABLE,
                    "destination_ip_prohibited");
        }
        if (e instanceof NoRouteToHostException || message.contains("unreachable")
                || message.contains("no route")) {
            return new Attempt(address, "unreachable", took, FailureKind.DESTINATION_IP_UNROUTABLE, null);
        }
        if (e instanceof ConnectException && message.contains("refused")) {
            return new Attempt(address, "refused", took, FailureKind.CONNECTION_REFUSED, null);
        }
        return new Attempt(address, "failed: " + Words.safe(e.getMessage(), 80), took,
                FailureKind.CONNECTION_REFUSED, null);
    }

    private static PhaseResult verdict(List<Attempt> attempts, int port, Duration took) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("port", port);
        List<Object> list = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        Attempt firstFailure = null;
        int connected = 0;
        for (Attempt a : attempts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("address", a.address());
            m.put("outcome", a.outcome());
            m.put("ms", a.took().toMillis());
            list.add(m);
            parts.add(a.address() + " " + a.outcome() + ("connected".equals(a.outcome()) || a.kind() != null
                    ? " " + Words.duration(a.took()) : ""));
            if (a.kind() != null && firstFailure == null) {
                firstFailure = a;
            }
            if ("connected".equals(a.outcome())) {
                connected++;
            }
        }
        facts.put("addresses", list);
        String summary = String.join("; ", parts);
        if (firstFailure == null) {
            return connected > 0 ? PhaseResult.ok(ProbePhase.CONNECT, took, summary, facts)
                    : PhaseResult.problem(ProbePhase.CONNECT, Verdict.FAILED, took, summary, facts,
                            FailureKind.CONNECTION_TIMEOUT, Hop.WEB_APPLICATION,
                            "give the probe a larger budget: no address could be tried.");
        }
        Verdict verdict = connected == 0 ? Verdict.FAILED : Verdict.DEGRADED;
        String errorType = firstFailure.errorType() != null ? firstFailure.errorType()
                : firstFailure.kind().errorType();
        String fix = fix(firstFailure, port);
        if (verdict == Verdict.DEGRADED) {
            fix = "clients that pick " + firstFailure.address() + " fail: " + fix;
        }
        return PhaseResult.problem(ProbePhase.CONNECT, verdict, took, summary, facts, firstFailure.kind(),
                errorType, Hop.UPSTREAM, fix);
    }

    private static String fix(Attempt a, int port) {
        String where = a.address() + " port " + port;
        return switch (a.outcome()) {
            case "refused" -> "nothing listens on " + where + ": start the service or correct the port.";
            case "timed out" -> "no answer from " + where + ": check that the host is up and its accept queue "
                    + "is not full, and that no firewall drops the packets.";
            case "prohibited" -> "a route or firewall rule forbids " + where + ": allow it or use another address.";
            case "unreachable" -> "there is no route to " + a.address() + ": check the address and the network "
                    + "between this host and the upstream.";
            default -> "check that the upstream listens on " + where + ".";
        };
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do: it is being discarded
        }
    }
}
