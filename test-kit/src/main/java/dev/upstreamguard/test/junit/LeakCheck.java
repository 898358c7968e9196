package dev.upstreamguard.test.junit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, newest first, and fails the test when a tracked client still holds a leased
 * connection: a test that leaks a pooled connection is a failing test.
 *
 * <pre>{@code @RegisterExtension final LeakCheck resources = new LeakCheck(u -> u.connectionPoolStats().getLeased());}</pre>
 *
 * <p>Register it on an instance field: it acts after each test. For {@code Upstream}s and a kit server together, see
 * {@link FaultyUpstreamExtension}.
 */
public final class LeakCheck implements AfterEachCallback {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final Deque<Object> checked = new ArrayDeque<>();
    private final ToIntFunction<Object> leased;

    /** @param leased how many connections a tracked client holds */
    @SuppressWarnings("unchecked")
    public <T> LeakCheck(ToIntFunction<T> leased) {
        this.leased = (ToIntFunction<Object>) leased;
    }

    /** Closes {@code resource} after the test. */
    public <T extends AutoCloseable> T track(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes {@code client} after the test, failing it if a connection is still leased. */
    public <T extends AutoCloseable> T checked(T client) {
        checked.push(client);
        return track(client);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (Object client : checked) {
                int n = leased.applyAsInt(client);
                if (n != 0) {
                    throw new AssertionError(n + " pooled connection(s) still leased by " + client + " after the test");
                }
            }
        } finally {
            checked.clear();
            while (!opened.isEmpty()) {
                opened.pop().close();
            }
        }
    }
}
