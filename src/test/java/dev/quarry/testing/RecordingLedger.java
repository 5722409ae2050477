package dev.quarry.testing;

import dev.quarry.metering.Ledger;
import dev.quarry.metering.UsageRecord;
import java.util.ArrayList;
import java.util.List;

/** A ledger in memory, for tests of the governed path that read back what it recorded. */
public final class RecordingLedger implements Ledger {
    private final List<UsageRecord> records = new ArrayList<>();

    @Override
    public synchronized void record(UsageRecord record) {
        records.add(record);
    }

    public synchronized List<UsageRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        // nothing held
    }
}
