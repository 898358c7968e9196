package dev.upstreamguard.doctor.evidence;

/** Decodes the evidence of one vendor. */
interface Decoder {
    /** The explanation of {@code line} (clean: bounded, no control characters), or {@code null} if not ours. */
    Explanation decode(String line);
}
