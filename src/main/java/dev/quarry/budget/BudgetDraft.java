package dev.quarry.budget;

import dev.quarry.canonical.QuarryException;
import dev.quarry.pricing.Money;
import dev.quarry.store.StoredTimes;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A budget as an admin writes it (admin API body or CLI options), all text, before it has an id.
 * {@link #withId} checks every field and names the one at fault.
 *
 * @param limitUsd   a decimal string such as {@code "25.00"}: money never passes through a float
 * @param start      an ISO-8601 instant, for a custom period only
 * @param end        an ISO-8601 instant (exclusive), for a custom period only
 * @param webhookUrl {@code null} to alert the log only
 */
public record BudgetDraft(String name, String scope, String period, String start, String end, String limitUsd,
                          List<Integer> thresholds, String webhookUrl) {

    public Budget withId(String id) {
        if (name == null || name.isBlank() || name.length() > 128) throw QuarryException.invalid("name", "A budget needs a name of 1 to 128 characters.");
        return new Budget(id, name, Scope.parse(required("scope", scope)), Period.of(required("period", period), instant("start", start),
                instant("end", end)), limit(), thresholds == null ? List.of() : thresholds, webhook());
    }

    private long limit() {
        BigDecimal usd;
        try {
            usd = new BigDecimal(required("limit_usd", limitUsd));
        } catch (NumberFormatException e) {
            throw QuarryException.invalid("limit_usd", "'" + limitUsd + "' is not an amount of dollars; write it as a decimal string, e.g. \"25.00\".");
        }
        if (usd.scale() > 6) throw QuarryException.invalid("limit_usd", "A limit is counted to the micro-dollar ($0.000001) at most.");
        // An absurd amount is capped just past the largest limit so that Budget refuses it, naming the range.
        return Micros.roundedUp(usd.min(Money.fromMicros(Micros.MAX_LIMIT + 1)));
    }

    private URI webhook() {
        if (webhookUrl == null) return null;
        try {
            URI uri = new URI(webhookUrl);
            if (uri.getHost() == null) throw new URISyntaxException(webhookUrl, "no host");
            return uri;
        } catch (URISyntaxException e) {
            throw QuarryException.invalid("webhook_url", "'" + webhookUrl + "' is not a URL: " + e.getMessage());
        }
    }

    private static Instant instant(String field, String text) {
        if (text == null) return null;
        try {
            return StoredTimes.within(text, Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw QuarryException.invalid(field, "'" + text + "' is not an ISO-8601 instant such as 2026-07-01T00:00:00Z.");
        } catch (IllegalArgumentException e) {
            throw QuarryException.invalid(field, e.getMessage() + ".");
        }
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) throw QuarryException.invalid(field, "Missing required parameter: '" + field + "'.");
        return value;
    }
}
