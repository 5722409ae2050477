package dev.quarry.budget;

import dev.quarry.canonical.QuarryException;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A spending limit.
 *
 * @param limitMicros the hard limit: requests that could pass it are refused
 * @param thresholds  soft thresholds, percentages of the limit in increasing order; crossing one
 *                    alerts once per period
 * @param webhook     where alerts are POSTed besides the log; {@code null} for the log only
 */
public record Budget(String id, String name, Scope scope, Period period, long limitMicros, List<Integer> thresholds, URI webhook) {
    public Budget {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(period, "period");
        if (limitMicros <= 0 || limitMicros > Micros.MAX_LIMIT) {
            throw QuarryException.invalid("limit_usd", "A budget's limit must be more than $0 and at most " + Micros.format(Micros.MAX_LIMIT) + ".");
        }
        thresholds = thresholds.stream().sorted().distinct().toList();
        if (thresholds.stream().anyMatch(t -> t <= 0 || t >= 100)) {
            throw QuarryException.invalid("thresholds", "Soft thresholds are percentages of the limit between 1 and 99; at 100 the hard limit refuses.");
        }
        if (webhook != null && !("http".equals(webhook.getScheme()) || "https".equals(webhook.getScheme()))) {
            throw QuarryException.invalid("webhook_url", "A webhook URL must be http or https.");
        }
    }

    /** Whether {@code spentMicros} reaches {@code percent} of the limit, compared exactly (limits are far below overflow). */
    public boolean reached(int percent, long spentMicros) {
        return spentMicros * 100 >= limitMicros * percent;
    }

    /** How a refusal or an alert names it. */
    String label() {
        return "'" + name + "' (" + scope.wire() + ", " + period.wire() + ")";
    }
}
