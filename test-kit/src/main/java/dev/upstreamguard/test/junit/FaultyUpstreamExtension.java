package dev.upstreamguard.test.junit;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.test.Fault;
import dev.upstreamguard.test.FaultyUpstream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link FaultyUpstream} with a JUnit 5 lifecycle, plus a leak check for the {@link Upstream}s a test builds.
 *
 * <pre>{@code
 * @RegisterExtension
 * final FaultyUpstreamExtension server = new FaultyUpstreamExtension();          // a fresh server per test
 *
 * @RegisterExtension
 * static final FaultyUpstreamExtension shared = new FaultyUpstreamExtension();   // one server per test class
 *
 * @Test
 * void answers502WhenTheUpstreamResets() {
 *     server.upstream().respond(Fault.resetAfterRequest());
 *     Upstream users = server.watch(Upstream.builder("users").baseUri(server.baseUri()).build());
 *     ...
 * }
 * }</pre>
 *
 * <p>On an instance field the server starts before each test and closes after it; on a static field it starts
 * before all tests of the class, is reset to the initial fault before each test (routes of the previous test are
 * kept: call {@link FaultyUpstream#respond} or {@code on} again to change them) and closes after the class. After
 * each test, every {@link #watch watched} upstream must hold no leased connection (else the test fails: a leak) and
 * is closed, as is everything {@link #track tracked}, newest first.
 */
public final class FaultyUpstreamExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final Fault initial;
    private final Deque<AutoCloseable> tracked = new ArrayDeque<>();
    private final List<Upstream> watched = new ArrayList<>();
    private FaultyUpstream server;
    private boolean perClass;

    /** A server answering 200 {@code "ok"} until told otherwise. */
    public FaultyUpstreamExtension() {
        this(Fault.ok("ok"));
    }

    /** A server applying {@code initial} to every request until told otherwise. */
    public FaultyUpstreamExtension(Fault initial) {
        this.initial = Objects.requireNonNull(initial, "initial");
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException outside a test
     */
    public FaultyUpstream upstream() {
        if (server == null) {
            throw new IllegalStateException("the faulty upstream runs only during a test; register this extension "
                    + "with @RegisterExtension");
        }
        return server;
    }

    /** The server's {@code http://127.0.0.1:<port>}. */
    public String baseUri() {
        return upstream().baseUri();
    }

    /** Fails the test if {@code upstream} still holds a leased connection after it, then closes it. */
    public Upstream watch(Upstream upstream) {
        watched.add(Objects.requireNonNull(upstream, "upstream"));
        return upstream;
    }

    /** Closes {@code resource} after the test. */
    public <T extends AutoCloseable> T track(T resource) {
        tracked.push(Objects.requireNonNull(resource, "resource"));
        return resource;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        server = FaultyUpstream.start(initial);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            server = FaultyUpstream.start(initial);
        } else {
            server.respond(initial);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<String> leaks = new ArrayList<>();
        try {
            for (Upstream u : watched) {
                int leased = u.connectionPoolStats().getLeased();
                if (leased != 0) {
                    leaks.add(u.name() + " (" + leased + " leased)");
                }
            }
        } finally {
            watched.forEach(Upstream::close);
            watched.clear();
            while (!tracked.isEmpty()) {
                tracked.pop().close();
            }
            if (!perClass && server != null) {
                server.close();
                server = null;
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("pooled connections still leased after the test: " + String.join(", ", leaks)
                    + " (a response or stream was not closed)");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
