package dev.upstreamguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.upstreamguard.test.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/** Reading streamed bodies in tests: byte-exact checks against the fault server's body pattern. */
final class StreamingSupport {
    private StreamingSupport() {
    }

    /**
     * The fault tests' policy with room for a loaded machine: these tests are about bodies, so the head gets a
     * generous attempt timeout (a retried head would count a second connection).
     */
    static UpstreamPolicy.Builder policy() {
        return FaultTestSupport.policy().requestTimeout(Duration.ofSeconds(10)).attemptTimeout(Duration.ofSeconds(3))
                .poolLeaseTimeout(Duration.ofSeconds(1));
    }

    /** Reads {@code in} to its end, checking every byte against {@link Fault#bodyByte}; returns the count. */
    static long readChecked(InputStream in) throws IOException {
        return readChecked(in, Long.MAX_VALUE);
    }

    /** Reads up to {@code limit} bytes of {@code in} (or to its end), checking each one; returns the count. */
    static long readChecked(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        while (total < limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit - total));
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] != Fault.bodyByte(total + i)) {
                    throw new AssertionError("byte " + (total + i) + " differs");
                }
            }
            total += n;
        }
        return total;
    }

    /** What reading {@code in} to its end threw; fails when it ended cleanly. Counts the good bytes in {@code read}. */
    static UpstreamException readUntilFailure(InputStream in, long[] read) {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                read[0] += n;
            }
        });
        assertThat(e).as("the body must fail, not end cleanly after " + read[0] + " bytes").isNotNull();
        return e;
    }
}
