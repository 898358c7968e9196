package dev.upstreamguard.reliability.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A network namespace this suite created, and the only place its commands change anything: every command runs as
 * {@code ip netns exec <name> ...} after checking that the name is one this JVM created and that it still exists.
 * Closing it stops the processes started in it and deletes it (and its {@code /etc/netns/<name>} folder).
 * Names are {@code ug-kf-<pid>-<n>}, so that a later run can sweep what a killed run left behind.
 */
final class Netns implements AutoCloseable {
    static final String PREFIX = "ug-kf-";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    private final String name;
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a namespace with its loopback up; nothing else in it. */
    static Netns create() throws IOException {
        String name = PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        run(List.of("ip", "netns", "add", name));
        Netns ns = new Netns(name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Deletes namespaces of this suite left behind by runs whose JVM is gone (never another owner's). */
    static List<String> sweepLeftovers() throws IOException {
        List<String> removed = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = ns.substring(PREFIX.length()).split("-");
            long pid;
            try {
                pid = Long.parseLong(parts[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).isEmpty()) {
                run(List.of("ip", "netns", "del", ns));
                deleteTree(Path.of("/etc/netns", ns));
                removed.add(ns);
            }
        }
        return removed;
    }

    String name() {
        return name;
    }

    /** Runs a command inside the namespace and returns its output; fails on a non-zero exit. */
    String exec(String... command) throws IOException {
        return run(inside(command));
    }

    /** Starts a long-running process inside the namespace; it is stopped when the namespace closes. */
    Process start(Path log, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(inside(command)).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        }
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    /** Starts a process inside the namespace with pipes (the scenario JVM). */
    Process startPiped(String... command) throws IOException {
        Process p = new ProcessBuilder(inside(command)).redirectErrorStream(true).start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    /** Writes {@code /etc/netns/<name>/resolv.conf}, which {@code ip netns exec} bind-mounts over /etc/resolv.conf. */
    void resolvConf(String content) throws IOException {
        Path dir = Path.of("/etc/netns", name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("resolv.conf"), content, StandardCharsets.US_ASCII);
    }

    private List<String> inside(String... command) throws IOException {
        verify();
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    /** The check before every change: our own name, not closed, and listed by the kernel. */
    private void verify() throws IOException {
        if (closed || !name.startsWith(PREFIX + ProcessHandle.current().pid() + "-")) {
            throw new IllegalStateException("not a namespace of this run: " + name);
        }
        boolean listed = false;
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            listed |= line.trim().split("\\s+")[0].equals(name);
        }
        if (!listed) {
            throw new IllegalStateException("namespace " + name + " does not exist");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<Process> started;
        synchronized (processes) {
            started = new ArrayList<>(processes);
        }
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            run(List.of("ip", "netns", "del", name));
        } finally {
            deleteTree(Path.of("/etc/netns", name));
        }
    }

    static String run(List<String> command) throws IOException {
        return run(command, COMMAND_TIMEOUT_SECONDS);
    }

    static String run(List<String> command, long timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + out);
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
