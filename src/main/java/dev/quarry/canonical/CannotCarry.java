package dev.quarry.canonical;

/**
 * A provider's refusal of a request its upstream API cannot carry (a document too large or of a
 * type it does not take) when another upstream might: another deployment of the model, or a
 * fallback, on another provider may take it. Routing passes the deployment over rather than end
 * the request with this refusal, which the client gets only when no deployment could take it.
 */
public final class CannotCarry extends QuarryException {
    public CannotCarry(String message) {
        this(null, message);
    }

    /** @param param the request field at fault, or {@code null} */
    public CannotCarry(String param, String message) {
        super(new QuarryError(ErrorKind.UNSUPPORTED_FEATURE, message, param, null));
    }
}
