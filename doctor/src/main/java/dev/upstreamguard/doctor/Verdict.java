package dev.upstreamguard.doctor;

/** How a probe phase, a chain rule or a whole report came out, from best to worst. */
public enum Verdict {
    /** Nothing wrong was found. */
    OK,
    /** It works, but something will break or slow down under some conditions: fix it before it does. */
    DEGRADED,
    /** It does not work: this is (or will be) a 502, 503 or 504. */
    FAILED;

    /** The worse of this verdict and {@code other}. */
    public Verdict worst(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** The lower-case name used in JSON and in metric tags: {@code ok}, {@code degraded}, {@code failed}. */
    public String tagValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
