package dev.upstreamguard.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.ObjectName;

/** Heap after a full GC and the live threads, for before/after comparisons. */
final class JvmSnapshot {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private JvmSnapshot() {
    }

    /**
     * Used heap after {@code System.gc()}, repeated (at most 10 times) until two readings agree within 1% or
     * 256 KiB; the smallest reading. Weak and soft references, finalizers and G1's concurrent cycle need a few
     * rounds to settle.
     */
    static long settledHeapUsed() {
        long best = Long.MAX_VALUE;
        long previous = -1;
        for (int round = 0; round < 10; round++) {
            System.gc();
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            best = Math.min(best, used);
            if (previous >= 0 && Math.abs(used - previous) <= Math.max(256 * 1024, previous / 100)) {
                break;
            }
            previous = used;
        }
        return best;
    }

    /** Names of the live threads. */
    static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** Live threads counted by name with digits folded ({@code app-12} and {@code app-3} are both {@code app-#}). */
    static Map<String, Integer> threadGroups() {
        Map<String, Integer> groups = new TreeMap<>();
        for (String name : threadNames()) {
            groups.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return groups;
    }

    /** The groups of {@code after} that have more threads than in {@code before}, with both counts. */
    static Map<String, String> grown(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, String> grown = new TreeMap<>();
        after.forEach((group, n) -> {
            int was = before.getOrDefault(group, 0);
            if (n > was) {
                grown.put(group, was + " -> " + n);
            }
        });
        return grown;
    }

    /**
     * Writes the heap's class histogram (live objects, after a full GC) to {@code target/<name>.txt}: when the heap
     * comparison fails, the difference of the two files says what grew.
     */
    static void writeClassHistogram(String name) throws Exception {
        Object histogram = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Path dir = Path.of(System.getProperty("reliability.report", "target/reliability-report.md"))
                .toAbsolutePath().getParent();
        Files.writeString(dir.resolve(name + ".txt"), String.valueOf(histogram));
    }

    static int total(Map<String, Integer> groups) {
        return groups.values().stream().mapToInt(Integer::intValue).sum();
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
