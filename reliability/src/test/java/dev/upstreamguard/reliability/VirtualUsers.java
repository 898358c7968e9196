package dev.upstreamguard.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load: {@code users} threads, each with its own kept-alive {@link RawHttpConnection} and its own
 * seeded random source, repeating a step until the duration is over or {@code maxSteps} steps were made. All
 * users connect first and start together; the duration counts from then. The
 * threads are joined before {@link #run} returns; a step that throws ends its user and fails the run.
 */
final class VirtualUsers {
    /** One request (or a paced slot) of one user. */
    @FunctionalInterface
    interface Step {
        void run(int user, RawHttpConnection connection, SplittableRandom random) throws Exception;
    }

    private VirtualUsers() {
    }

    /**
     * Runs the load and returns the steps made. The seed of user {@code i} is derived from {@code seed} and
     * {@code i}, so one seed reproduces the whole run's choices.
     *
     * @throws AssertionError if a step threw, or a user thread did not end within the duration plus 60 s
     */
    static long run(String name, int port, int users, Duration duration, long maxSteps, long seed, Step step)
            throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(users);
        CountDownLatch go = new CountDownLatch(1);
        long[] until = new long[1];
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long[] steps = new long[users];
        List<Thread> threads = new ArrayList<>(users);
        for (int u = 0; u < users; u++) {
            int user = u;
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + user);
            Thread t = new Thread(() -> {
                try (RawHttpConnection connection = new RawHttpConnection(port)) {
                    try {
                        connection.connect();
                    } finally {
                        connected.countDown();
                    }
                    go.await();
                    for (long n = 0; n < maxSteps && System.nanoTime() - until[0] < 0; n++) {
                        step.run(user, connection, random);
                        steps[user]++;
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, name + "-" + u);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        if (!connected.await(30, TimeUnit.SECONDS)) {
            go.countDown();
            throw new AssertionError("load threads did not connect within 30 s");
        }
        until[0] = System.nanoTime() + duration.toNanos(); // written before go.countDown(), read after await()
        go.countDown();
        long joinBy = until[0] + TimeUnit.SECONDS.toNanos(60);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime())));
        }
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (t.isAlive()) {
                stuck.add(t.getName());
                t.interrupt();
            }
        }
        if (!stuck.isEmpty()) {
            throw new AssertionError("load threads still running 60 s after the end: " + stuck);
        }
        if (!errors.isEmpty()) {
            AssertionError failure = new AssertionError(errors.size() + " load thread(s) failed", errors.peek());
            errors.stream().skip(1).limit(5).forEach(failure::addSuppressed);
            throw failure;
        }
        long total = 0;
        for (long s : steps) {
            total += s;
        }
        return total;
    }
}
