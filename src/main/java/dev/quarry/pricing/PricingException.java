package dev.quarry.pricing;

/** A price sheet entry or commitment that cannot be accepted; the message says which field and why. */
public final class PricingException extends RuntimeException {
    public PricingException(String message) {
        super(message);
    }
}
