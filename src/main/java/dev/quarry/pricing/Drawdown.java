package dev.quarry.pricing;

import dev.quarry.metering.UsageReport.DailyUsage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.ZoneOffset;
import java.util.List;

/**
 * How far a commitment has been drawn down, the way the cloud bill shows it: eligible usage costs
 * its list price less the discount, and is taken from the commitment until it is used up; eligible
 * usage beyond that is billed at list price.
 *
 * @param listCost          eligible usage at list price (the ledger's recorded cost)
 * @param drawn             taken from the commitment (discounted), at most its amount
 * @param remaining         what is left of the commitment
 * @param billed            what the eligible usage really costs: the draw plus any list-priced overflow
 * @param effectiveDiscount {@code 1 - billed / listCost}: the discount actually obtained, 0 when nothing was used
 */
public record Drawdown(Commitment commitment, BigDecimal listCost, BigDecimal drawn, BigDecimal remaining, BigDecimal billed,
                       BigDecimal effectiveDiscount) {

    /** @param usage the ledger's daily sums; a commitment's period is whole UTC days, so a day is in it or not */
    public static Drawdown of(Commitment c, List<DailyUsage> usage) {
        BigDecimal list = usage.stream()
                .filter(d -> c.covers(d.model(), d.platform(), d.day().atStartOfDay(ZoneOffset.UTC).toInstant()))
                .map(DailyUsage::cost)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal keep = BigDecimal.ONE.subtract(c.discountRate());
        BigDecimal discounted = list.multiply(keep);
        BigDecimal billed;
        BigDecimal drawn;
        if (discounted.compareTo(c.amount()) <= 0) {
            drawn = discounted;
            billed = discounted;
        } else {
            // The commitment covered amount / keep of list-priced usage; the rest overflows at list price.
            drawn = c.amount();
            billed = c.amount().add(list.subtract(c.amount().divide(keep, MathContext.DECIMAL64)));
        }
        BigDecimal effective = list.signum() == 0 ? BigDecimal.ZERO
                : BigDecimal.ONE.subtract(billed.divide(list, MathContext.DECIMAL64)).setScale(4, RoundingMode.HALF_UP);
        return new Drawdown(c, list, drawn, c.amount().subtract(drawn), billed, effective);
    }
}
