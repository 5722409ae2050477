package dev.quarry.pricing;

import dev.quarry.canonical.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * Prices usage from the price sheet in force at a given instant, in US dollars. Answers from
 * memory: it is asked on every request (to reserve budget) and when every request settles.
 */
public interface Pricer {

    /**
     * @param provider the configured provider that served (its platform decides the sheet: direct, Bedrock, Azure…)
     * @return empty when the model has no price on that platform at that time
     */
    Optional<BigDecimal> cost(String model, String provider, Usage usage, Instant at);

    /** The most a call can cost: its input tokens at the input price plus every allowed output token at the output price. */
    Optional<BigDecimal> worstCase(String model, String provider, long inputTokens, long maxOutputTokens, Instant at);

    /**
     * The price sheet platform (direct, bedrock, azure, vertex, local) a configured provider bills
     * on; the ledger records it beside the cost so reports and commitments need not know the
     * configuration. Empty when the provider is unknown to this pricer.
     */
    default Optional<String> platformOf(String provider) {
        return Optional.empty();
    }
}
