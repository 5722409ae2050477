/**
 * Budgets: spending limits in US dollars on a principal, a group, a tag or the whole organisation,
 * per day, month or custom period, with soft thresholds that alert once per period.
 *
 * <p>Enforcement is by reservation, in memory: a request reserves its worst-case cost on every
 * budget that applies to its caller, all or none, before it goes upstream, and settles its actual
 * cost when its answer ends. A request is admitted only while spent + reserved + its reservation
 * stays within every limit, so concurrent requests overshoot a limit only by what a request costs
 * beyond its reservation (its input tokens are estimated), never by a burst.
 *
 * <p>Spend of the current period is derived from the ledger's {@code cost_micros} at start-up and
 * kept in memory afterwards: each node enforces what it has seen itself since it started, so on
 * several nodes a limit is held per node until a shared counter (as the rate limits use) serves it.
 *
 * <p>Money is kept as exact micro-dollar longs ({@link Micros}).
 */
package dev.quarry.budget;
