package dev.upstreamguard.doctor.chain;

import static dev.upstreamguard.doctor.chain.Durations.format;

import dev.upstreamguard.doctor.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The chain's rules, one method each; a tie is a violation everywhere. */
final class ChainRules {
    /** A client timeout this long or longer is a minute-long default nobody chose. */
    static final Duration MINUTE = Duration.ofMinutes(1);

    private ChainRules() {
    }

    static List<Finding> check(Chain chain) {
        List<Finding> out = new ArrayList<>();
        List<ChainHop> hops = chain.hops();
        Duration margin = chain.margin();
        for (int i = 0; i < hops.size(); i++) {
            ChainHop hop = hops.get(i);
            out.addAll(hop.remarks());
            proxyDefaults(hop, out);
            if (i + 1 < hops.size()) {
                keepAliveOrder(hop, hops.get(i + 1), margin, out);
                outerTimeout(hop, hops.get(i + 1), margin, out);
            }
        }
        ChainHop app = hops.stream().filter(h -> h.deadline() != null).findFirst().orElse(null);
        for (ClientPool pool : chain.pools()) {
            String name = "Connection pool '" + pool.upstream() + "'";
            if (app != null) {
                deadlineCoversRetries(app, pool, name, out);
            }
            poolIdle(pool, name, margin, out);
            clientDefaults(pool, name, out);
        }
        return out;
    }

    /** Each hop keeps an idle connection open longer than the hop in front keeps its pooled one, plus the margin. */
    static void keepAliveOrder(ChainHop front, ChainHop back, Duration margin, List<Finding> out) {
        String rule = "keep-alive-order";
        Setting pooled = front.poolIdle();
        if (pooled == null) {
            out.add(new Finding(rule, Verdict.OK, front.name(), back.name(), "-",
                    "Not checked: how long " + front.name() + " keeps idle connections to " + back.name()
                            + " is not known.", null));
            return;
        }
        if (pooled.value().isZero()) {
            out.add(new Finding(rule, Verdict.OK, front.name(), back.name(), pooled.describe(),
                    front.name() + " does not reuse idle connections to " + back.name()
                            + ", so it cannot reuse one " + back.name() + " already closed.", null));
            return;
        }
        if (back.keepAlive() == null) {
            out.add(new Finding(rule, Verdict.DEGRADED, front.name(), back.name(), pooled.describe(),
                    "Unknown how long " + back.name() + " keeps an idle connection: if it is not longer than "
                            + format(pooled.value()) + ", some requests fail with a 502 when " + front.name()
                            + " reuses a connection " + back.name() + " just closed.",
                    "Declare " + back.name() + "'s keep-alive, or measure it with the doctor's probe."));
            return;
        }
        Setting kept = back.keepAlive();
        String values = front.name() + " " + pooled.describe() + " vs " + back.name() + " " + kept.describe();
        Duration needed = pooled.value().plus(margin);
        if (kept.value().compareTo(needed) > 0) {
            out.add(new Finding(rule, Verdict.OK, front.name(), back.name(), values,
                    back.name() + " keeps idle connections longer than " + front.name() + " reuses them.", null));
        } else {
            out.add(new Finding(rule, Verdict.FAILED, front.name(), back.name(), values,
                    back.name() + " closes idle connections " + (kept.value().equals(pooled.value())
                            ? "at the same moment as" : kept.value().compareTo(pooled.value()) < 0 ? "before"
                            : "less than the margin (" + format(margin) + ") after")
                            + " " + front.name() + " stops reusing them: intermittent 502s (connection closed "
                            + "before a response) when a request races the close.",
                    "Raise " + kept.knob() + " to more than " + format(needed) + " (e.g. "
                            + format(roundUp(needed.plus(margin))) + "), or lower " + pooled.knob() + " below "
                            + format(kept.value().minus(margin)) + "."));
        }
    }

    /** A hop's response timeout exceeds the worst case of the hop behind plus the margin. */
    static void outerTimeout(ChainHop front, ChainHop back, Duration margin, List<Finding> out) {
        boolean app = back.deadline() != null;
        String rule = app ? "front-timeout" : "outer-timeout";
        Setting timeout = front.responseTimeout();
        Duration inner = back.worstCase();
        if (timeout == null || inner == null) {
            out.add(new Finding(rule, Verdict.OK, front.name(), back.name(), "-",
                    "Not checked: " + (timeout == null ? front.name() + "'s response timeout"
                            : back.name() + "'s worst case") + " is not known.", null));
            return;
        }
        String innerText = app ? back.name() + " " + back.deadline().describe()
                : back.name() + " worst case " + format(inner) + " (" + (back.connectTimeout() == null ? ""
                        : back.connectTimeout().knob() + " + ") + back.responseTimeout().knob() + ")";
        String values = front.name() + " " + timeout.describe() + " vs " + innerText;
        Duration needed = inner.plus(margin);
        if (timeout.value().compareTo(needed) > 0) {
            out.add(new Finding(rule, Verdict.OK, front.name(), back.name(), values,
                    front.name() + " waits longer than " + back.name() + " can take"
                            + (app ? ", so the application's own explained error reaches the visitor." : "."),
                    null));
            return;
        }
        String fix = app
                ? "Lower " + back.deadline().knob() + " below " + format(timeout.value().minus(margin))
                        + " (e.g. " + format(roundDown(timeout.value().minus(margin).minus(margin))) + "), or raise "
                        + timeout.knob() + " above " + format(needed) + "."
                : "Raise " + timeout.knob() + " above " + format(needed) + ", or lower " + back.name()
                        + "'s " + back.responseTimeout().knob() + ".";
        out.add(new Finding(rule, Verdict.FAILED, front.name(), back.name(), values,
                front.name() + " gives up first: the visitor gets " + front.name() + "'s bare 504 instead of "
                        + (app ? "the application's explained error" : back.name() + "'s answer")
                        + ", and the work behind it continues for nothing.", fix));
    }

    /** The request deadline covers each upstream's worst case: attempts x attempt timeout + backoff. */
    static void deadlineCoversRetries(ChainHop app, ClientPool pool, String name, List<Finding> out) {
        String rule = "deadline-covers-retries";
        Duration worst = pool.worstCase();
        String values = app.name() + " " + app.deadline().describe() + " vs " + name + " worst case "
                + format(worst) + " (" + pool.maxAttempts() + " x " + pool.attemptTimeout().describe()
                + " + backoff " + format(pool.backoff()) + ")";
        if (app.deadline().value().compareTo(worst) > 0) {
            out.add(new Finding(rule, Verdict.OK, app.name(), name, values,
                    "Every attempt fits in the request deadline.", null));
            return;
        }
        out.add(new Finding(rule, Verdict.DEGRADED, app.name(), name, values,
                "The deadline cuts the retries short: the last attempts never run, or run with too little time.",
                "Lower the attempts or " + pool.attemptTimeout().knob() + " so that attempts x attempt timeout + "
                        + "backoff stays below " + format(app.deadline().value()) + ", or raise "
                        + app.deadline().knob() + " (keeping it below the front proxy's timeout)."));
    }

    /** The pool's idle time stays below the upstream's keep-alive minus the margin. */
    static void poolIdle(ClientPool pool, String name, Duration margin, List<Finding> out) {
        String rule = "pool-idle";
        String upstream = "upstream '" + pool.upstream() + "'";
        if (pool.upstreamKeepAlive() == null) {
            out.add(new Finding(rule, Verdict.OK, name, upstream, pool.idleTimeout().describe(),
                    "Not checked: the upstream's keep-alive is unknown (HttpClient still honours a Keep-Alive: "
                            + "timeout= header).",
                    null));
            return;
        }
        Setting kept = pool.upstreamKeepAlive();
        String values = name + " " + pool.idleTimeout().describe() + " vs " + upstream + " keep-alive "
                + format(kept.value()) + " (" + kept.origin() + ")";
        Duration limit = kept.value().minus(margin);
        if (pool.idleTimeout().value().compareTo(limit) < 0) {
            out.add(new Finding(rule, Verdict.OK, name, upstream, values,
                    "Pooled connections are retired before the upstream closes them.", null));
            return;
        }
        out.add(new Finding(rule, Verdict.FAILED, name, upstream, values,
                "The pool keeps idle connections as long as or longer than the upstream does: a call on a "
                        + "connection the upstream just closed fails (connection_terminated, 502).",
                "Set " + pool.idleTimeout().knob() + " below " + format(limit) + " (e.g. "
                        + format(roundDown(limit.minus(margin))) + ")."));
    }

    /** No client timeout of a minute or more left on the pool. */
    static void clientDefaults(ClientPool pool, String name, List<Finding> out) {
        for (Setting s : List.of(pool.connectTimeout(), pool.attemptTimeout(), pool.leaseTimeout())) {
            if (s.value().compareTo(MINUTE) >= 0) {
                out.add(new Finding("client-defaults", Verdict.DEGRADED, name, null, s.describe(),
                        "A minute-long client timeout (HttpClient's own defaults are 3 minutes): a dead upstream "
                                + "holds threads and visitors that long.",
                        "Set " + s.knob() + " to seconds, below the request deadline."));
            }
        }
    }

    /** A proxy's connect timeout left at a minute-long default. */
    static void proxyDefaults(ChainHop hop, List<Finding> out) {
        Setting connect = hop.connectTimeout();
        if (connect != null && connect.origin().equals("default") && connect.value().compareTo(MINUTE) >= 0) {
            out.add(new Finding("client-defaults", Verdict.DEGRADED, hop.name(), null, connect.describe(),
                    hop.name() + "'s connect timeout is left at its minute-long default: a host that drops "
                            + "packets holds each request that long before the proxy tries elsewhere.",
                    "Set " + connect.knob() + " to a few seconds (e.g. 3s)."));
        }
    }

    private static Duration roundUp(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        return Duration.ofSeconds(s);
    }

    private static Duration roundDown(Duration d) {
        long ms = Math.max(0, d.toMillis());
        return ms >= 1000 ? Duration.ofSeconds(ms / 1000) : Duration.ofMillis(ms);
    }
}
