package dev.upstreamguard.doctor.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a line of a proxy's own evidence into an {@link Explanation}: nginx error-log lines, HAProxy termination
 * states (alone or in a log line), Envoy response flags, AWS ALB access-log entries, Google Cloud load balancer
 * {@code statusDetails}, Cloudflare 520-526, and this library's {@code Proxy-Status} header value.
 *
 * <p>The decoders are tried from the most specific format to the least; input that none recognises gets an
 * explanation from source {@link Explanation#UNKNOWN} that says so. Lines are read up to 16 KiB and control
 * characters are neutralised first, so any input gives printable output. Immutable and thread-safe.
 */
public final class EvidenceDecoder {
    private final List<Decoder> decoders = List.of(new ProxyStatusDecoder(), new NginxDecoder(),
            new EnvoyDecoder(), new HaproxyDecoder(), new AlbDecoder(), new GcpDecoder(), new CloudflareDecoder());

    /** A decoder for every format listed above. */
    public EvidenceDecoder() {
    }

    /** The explanation of one line. */
    public Explanation explain(String line) {
        Objects.requireNonNull(line, "line");
        String clean = Text.clean(line).strip();
        if (clean.isEmpty()) {
            return unknown("", "The line is empty.");
        }
        for (Decoder decoder : decoders) {
            Explanation e;
            try {
                e = decoder.decode(clean);
            } catch (RuntimeException | StackOverflowError e2) {
                // A safety net: a decoder that cannot read a pathological line leaves it to the others.
                e = null;
            }
            if (e != null) {
                return e;
            }
        }
        return unknown(Text.quote(clean), "The doctor does not recognise this line.");
    }

    /** The explanation of each non-blank line, in order. */
    public List<Explanation> explainAll(List<String> lines) {
        List<Explanation> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (!line.isBlank()) {
                out.add(explain(line));
            }
        }
        return out;
    }

    private static Explanation unknown(String evidence, String cause) {
        return new Explanation(Explanation.UNKNOWN, evidence, dev.upstreamguard.doctor.Verdict.OK, null, null, null,
                0, cause, "Paste one line of an nginx error log, an HAProxy log line or termination state (SH--), "
                        + "Envoy response flags (UF), an AWS ALB access-log entry, a Google Cloud LB statusDetails "
                        + "value, a Cloudflare 52x code, or a Proxy-Status header value.");
    }
}
