package dev.upstreamguard.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses a loopback port on which nothing listens. A port bound to 0 and released is the kernel's ephemeral choice,
 * and the next server started on port 0 (an embedded Tomcat, say) may be given the very same one, so that the
 * "refused" upstream answers. On Linux the port is therefore taken below the ephemeral range
 * ({@code net.ipv4.ip_local_port_range}), where neither a port-0 bind nor an outgoing connection is ever placed.
 */
final class RefusedPorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int TRIES = 50;

    private RefusedPorts() {
    }

    static int choose(InetAddress loopback) {
        int ephemeralStart = ephemeralRangeStart();
        if (ephemeralStart - LOWEST >= 1_000) {
            for (int i = 0; i < TRIES; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
                if (isFree(loopback, port)) {
                    return port;
                }
            }
        }
        return releasedEphemeralPort(loopback);
    }

    /** The first port of the kernel's ephemeral range, or 0 where it cannot be read (not Linux). */
    static int ephemeralRangeStart() {
        try {
            // readAllLines, not readString: a /proc file reports size 0, and readString may stop after one byte
            String range = Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean isFree(InetAddress loopback, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(loopback, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int releasedEphemeralPort(InetAddress loopback) {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }
}
