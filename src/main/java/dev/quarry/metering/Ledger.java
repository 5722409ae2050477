package dev.quarry.metering;

/** Where usage records go. */
public interface Ledger extends AutoCloseable {

    /**
     * Records one request's usage. Returns once the record is durable, so a caller that records
     * before sending its last byte never lets a client see an answer the ledger could lose.
     */
    void record(UsageRecord record);

    /** Flushes what is pending and stops accepting records. */
    @Override
    void close();
}
