package dev.upstreamguard.doctor.chain;

/** A configuration the chain check reads is malformed; the message names the file and line and what is wrong. */
public final class ChainInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code where}: {@code file:line}, then the problem. */
    public ChainInputException(String where, String problem) {
        super(where + ": " + problem);
    }
}
