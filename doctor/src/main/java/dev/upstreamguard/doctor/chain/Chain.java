package dev.upstreamguard.doctor.chain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A chain of hops front to back (CDN, load balancer, proxies, the application server) and the application's
 * clients of its upstreams, checked by {@link #check()}. Immutable; build with {@link #builder()}.
 *
 * <p>The rules, each a tie counting as a violation: every hop keeps an idle connection open longer than the hop in
 * front keeps its pooled connection to it, plus the margin; every hop's response timeout exceeds the worst case of
 * the hop behind plus the margin (for the application: its request deadline); the request deadline exceeds each
 * upstream's worst case (attempts x attempt timeout + backoff); each pool's idle time stays below the upstream's
 * keep-alive minus the margin; no timeout of a minute or more left as a client default; no proxy retrying
 * non-idempotent requests.
 */
public final class Chain {
    /** The default margin between two timeouts that must not meet. */
    public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(1);

    private final List<ChainHop> hops;
    private final List<ClientPool> pools;
    private final Duration margin;

    private Chain(Builder b) {
        this.hops = List.copyOf(b.hops);
        this.pools = List.copyOf(b.pools);
        this.margin = b.margin;
    }

    /** A builder of an empty chain with the default margin. */
    public static Builder builder() {
        return new Builder();
    }

    /** The hops, front to back. */
    public List<ChainHop> hops() {
        return hops;
    }

    /** The application's clients of its upstreams. */
    public List<ClientPool> pools() {
        return pools;
    }

    /** The margin between two timeouts that must not meet. */
    public Duration margin() {
        return margin;
    }

    /** Checks every rule; the report lists a finding per rule and pair, the broken ones with a fix. */
    public ChainReport check() {
        return new ChainReport(hops, pools, ChainRules.check(this));
    }

    /** Builds a {@link Chain}. Not thread-safe; reusable. */
    public static final class Builder {
        private final List<ChainHop> hops = new ArrayList<>();
        private final List<ClientPool> pools = new ArrayList<>();
        private Duration margin = DEFAULT_MARGIN;

        private Builder() {
        }

        /** Adds the next hop, behind those already added. */
        public Builder hop(ChainHop hop) {
            hops.add(Objects.requireNonNull(hop, "hop"));
            return this;
        }

        /** Adds the application's client of one upstream. */
        public Builder pool(ClientPool pool) {
            pools.add(Objects.requireNonNull(pool, "pool"));
            return this;
        }

        /** The margin between two timeouts that must not meet; at least 0. */
        public Builder margin(Duration margin) {
            Objects.requireNonNull(margin, "margin");
            if (margin.isNegative()) {
                throw new IllegalArgumentException("margin must not be negative, but was " + margin);
            }
            this.margin = margin;
            return this;
        }

        /** The chain. */
        public Chain build() {
            if (hops.isEmpty() && pools.isEmpty()) {
                throw new IllegalStateException("a chain needs at least one hop or one upstream pool");
            }
            return new Chain(this);
        }
    }
}
