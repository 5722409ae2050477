package dev.quarry.gateway;

/**
 * Reads and decodes a request body into an operation. Supplied by the surface's route, run by
 * {@link DecodeStep}; throws {@link dev.quarry.canonical.QuarryException} for bad input.
 */
@FunctionalInterface
public interface RequestDecoder {
    Operation decode();
}
