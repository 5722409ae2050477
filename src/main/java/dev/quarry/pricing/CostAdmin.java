package dev.quarry.pricing;

import dev.quarry.metering.UsageReport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Administering cost governance: the price sheet (read it, add entries), usage reports, and
 * commitments with their drawdown. A price change is in force on this node when its call
 * returns, on others within a poll.
 */
public final class CostAdmin {
    private final PriceStore prices;
    private final PriceSheet sheet;
    private final CommitmentStore commitments;
    private final UsageReport usage;

    /** A commitment and how far it is drawn down. */
    public record Standing(Commitment commitment, Drawdown drawdown) {}

    public CostAdmin(PriceStore prices, PriceSheet sheet, CommitmentStore commitments, UsageReport usage) {
        this.prices = prices;
        this.sheet = sheet;
        this.commitments = commitments;
        this.usage = usage;
    }

    /** Every entry in force or scheduled: the configuration's and the store's. */
    public List<PriceEntry> prices() {
        return sheet.entries();
    }

    /**
     * Adds entries (identical ones are no-ops); returns how many were new.
     *
     * @throws PricingException for an entry the rules refuse
     */
    public int addPrices(List<PriceEntry> entries) {
        int added = prices.add(entries);
        sheet.reload();
        return added;
    }

    public List<UsageReport.Row> report(UsageReport.By by, Instant from, Instant to) {
        return usage.rows(by, from, to);
    }

    public List<Standing> commitments() {
        return commitments.all().stream().map(c -> new Standing(c, Drawdown.of(c, usage.daily(c.start(), c.end())))).toList();
    }

    /**
     * {@code end} is exclusive; empty lists of models or platforms mean every one.
     *
     * @throws PricingException for a commitment the rules refuse
     */
    public Commitment addCommitment(String name, BigDecimal amount, Instant start, Instant end, BigDecimal discountRate, List<String> models,
                                    List<String> platforms) {
        return commitments.add(name, amount, start, end, discountRate, models, platforms);
    }
}
