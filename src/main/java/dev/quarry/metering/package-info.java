/**
 * The usage ledger: one durable record per request, with its cost by the price sheet, written by
 * group commit; and the sums reports, what-if repricing and commitment drawdown read back.
 */
package dev.quarry.metering;
