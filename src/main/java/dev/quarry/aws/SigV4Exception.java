package dev.quarry.aws;

/** Why an inbound request's SigV4 signature was not accepted; the message is written for the client. */
public final class SigV4Exception extends Exception {
    /** The kinds of refusal, which AWS services report under different error names. */
    public enum Problem {
        /** The Authorization header or a required signed header is missing or malformed. */
        INCOMPLETE,
        /** The credential is scoped to another service or to a date other than the request's. */
        WRONG_SCOPE,
        /** The request was signed more than the allowed skew before or after now. */
        EXPIRED,
        /** The signature is not the one the secret gives for this request. */
        MISMATCH
    }

    private final Problem problem;

    public SigV4Exception(Problem problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
