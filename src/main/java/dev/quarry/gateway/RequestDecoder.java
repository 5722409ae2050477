package dev.quarry.gateway;

/**
 * Reads and decodes a request body into what it asks for. Supplied by the surface's route, run by
 * {@link DecodeStep}; throws {@link dev.quarry.canonical.QuarryException} for bad input.
 */
@FunctionalInterface
public interface RequestDecoder {
    Call decode();
}
