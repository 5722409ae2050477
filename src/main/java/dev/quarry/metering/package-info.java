/** The usage ledger: one durable record per request, written by group commit. */
package dev.quarry.metering;
