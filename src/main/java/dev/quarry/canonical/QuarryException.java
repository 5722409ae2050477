package dev.quarry.canonical;

/**
 * Carries a {@link QuarryError} through code that cannot return it (iterators, decoders). Not
 * final, so a layer can attach what it knows about a refusal for those who care (identity says
 * which known key was refused), while everyone else handles it as any other.
 */
public class QuarryException extends RuntimeException {
    private final QuarryError error;

    public QuarryException(QuarryError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public QuarryException(QuarryError error, Throwable cause) {
        super(error.message(), cause, false, false);
        this.error = error;
    }

    public static QuarryException of(ErrorKind kind, String message) {
        return new QuarryException(QuarryError.of(kind, message));
    }

    public static QuarryException invalid(String param, String message) {
        return new QuarryException(new QuarryError(ErrorKind.INVALID_REQUEST, message, param, null));
    }

    /** A request feature that the surface or the chosen model cannot honour: a 400, never a silent drop. */
    public static QuarryException unsupported(String param, String message) {
        return new QuarryException(new QuarryError(ErrorKind.UNSUPPORTED_FEATURE, message, param, null));
    }

    public QuarryError error() {
        return error;
    }

    public ErrorKind kind() {
        return error.kind();
    }
}
