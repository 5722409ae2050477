package dev.quarry.canonical;

/**
 * What went wrong, in terms every surface can encode and routing can act on. The HTTP status is
 * the one all three wire protocols agree on; a surface may still pick its own error name.
 */
public enum ErrorKind {
    INVALID_REQUEST(400),
    UNSUPPORTED_FEATURE(400),
    CONTEXT_WINDOW_EXCEEDED(400),
    CONTENT_FILTERED(400),
    MODEL_UNAVAILABLE(400),
    AUTHENTICATION(401),
    /**
     * A budget's hard limit would be passed. 402, not 429: the SDKs retry a 429 with back-off,
     * which cannot help until an admin raises the limit or the period ends.
     */
    BUDGET_EXCEEDED(402),
    PERMISSION_DENIED(403),
    NOT_FOUND(404),
    MODEL_NOT_FOUND(404),
    /** The request conflicts with the resource's state: an idempotency key reused for another body, a session deleted while a turn runs. */
    CONFLICT(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    RATE_LIMITED(429),
    INTERNAL(500),
    UPSTREAM_ERROR(502),
    UPSTREAM_UNAVAILABLE(503),
    UPSTREAM_TIMEOUT(504);

    private final int httpStatus;

    ErrorKind(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Whether trying again (elsewhere or later) could succeed. */
    public boolean retryable() {
        return this == RATE_LIMITED || this == UPSTREAM_ERROR || this == UPSTREAM_UNAVAILABLE || this == UPSTREAM_TIMEOUT;
    }
}
