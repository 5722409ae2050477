package dev.quarry.testing;

import dev.quarry.canonical.Usage;
import dev.quarry.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/** A price sheet with no prices: every call is unpriced. */
public final class NoPrices implements Pricer {
    @Override
    public Optional<BigDecimal> cost(String model, String provider, Usage usage, Instant at) {
        return Optional.empty();
    }

    @Override
    public Optional<BigDecimal> worstCase(String model, String provider, long inputTokens, long maxOutputTokens, Instant at) {
        return Optional.empty();
    }
}
