import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditLog;
import dev.quarry.audit.SigningKey;
import dev.quarry.canonical.Usage;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.metering.GroupCommitLedger;
import dev.quarry.metering.UsageRecord;
import dev.quarry.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store writes of a governed request, without the request: each of N virtual threads records
 * one ledger row (waiting for it) and then queues one audit event, as a non-streamed request does. Reports
 * CPU per request (utime+stime of this process, /proc/self/stat, all threads) and the p50/p99 of
 * {@code record}. A quick look, not a benchmark: one SQLite file in a temp dir, a few seconds.
 *
 * <pre>
 * java -cp target/classes:$(cat cp.txt) bench/store/StoreWriterBench.java [power|process] [concurrency] [requests]
 * </pre>
 * The durability argument needs {@code Database.sqliteIn(Path, Durability)}; without it (a build
 * older than {@code ledger.durability}) the store is opened as it was, with an fsync per commit.
 */
public class StoreWriterBench {
    public static void main(String[] args) throws Exception {
        String durability = args.length > 0 ? args[0] : "process";
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Path dir = Files.createTempDirectory("quarry-storebench-");
        try (Database db = open(dir, durability)) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("bench", PrincipalKind.USER).id();
            try (GroupCommitLedger ledger = new GroupCommitLedger(db);
                 AuditLog audit = new AuditLog(db, SigningKey.inDataDir(dir), AuditAnchor.inDataDir(dir), Clock.systemUTC(), 10_000,
                         Duration.ofMinutes(1))) {
                run(ledger, audit, principal, concurrency, Math.max(2_000, requests / 4), "warm-up"); // JIT, and a ledger with some rows
                run(ledger, audit, principal, concurrency, requests, durability + " c=" + concurrency);
            }
        }
    }

    private static final AtomicLong IDS = new AtomicLong();

    private static void run(GroupCommitLedger ledger, AuditLog audit, String principal, int concurrency, int requests, String label)
            throws Exception {
        long[] latencies = new long[requests];
        AtomicLong next = new AtomicLong();
        long cpuBefore = cpuTicks();
        long start = System.nanoTime();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < concurrency; t++) {
                threads.submit(() -> {
                    for (long i; (i = next.getAndIncrement()) < requests; ) {
                        String id = "req_" + IDS.incrementAndGet();
                        long t0 = System.nanoTime();
                        ledger.record(record(id, principal));
                        latencies[(int) i] = System.nanoTime() - t0;
                        audit.record(event(id, principal)); // as AuditStep does, after the ledger's row (non-streaming)
                    }
                    return null;
                });
            }
        }
        audit.flush();
        long elapsed = System.nanoTime() - start;
        long cpuMicros = (cpuTicks() - cpuBefore) * 1_000_000 / 100; // USER_HZ is 100 on Linux
        Arrays.sort(latencies);
        System.out.printf("%-16s %6d requests  %7.0f/s  CPU %5d us/request  record p50 %6.0f us  p99 %7.0f us%n", label, requests,
                requests / (elapsed / 1e9), cpuMicros / requests, latencies[requests / 2] / 1e3, latencies[requests * 99 / 100] / 1e3);
    }

    private static long cpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    private static Database open(Path dir, String durability) throws Exception {
        try {
            Class<?> kind = Class.forName("dev.quarry.store.Durability");
            Object level = kind.getMethod("named", String.class).invoke(null, durability);
            Object value = ((java.util.Optional<?>) level).orElseThrow();
            return (Database) Database.class.getMethod("sqliteIn", Path.class, kind).invoke(null, dir, value);
        } catch (ClassNotFoundException before) {
            System.out.println("(a build without ledger.durability: fsync per commit)");
            return Database.sqliteIn(dir);
        }
    }

    private static AuditEvent event(String requestId, String principal) {
        return new AuditEvent("evt_" + requestId, Instant.now(), principal, "bench", null, "127.0.0.1", "bench/1", "model.invoke",
                "model/quarry/echo", "allow", "users/ModelAccess", requestId, null, null, null);
    }

    private static UsageRecord record(String requestId, String principal) {
        return new UsageRecord(requestId, principal, "openai.chat", "chat", "quarry/echo", "quarry-echo", "echo", new Usage(10, 5, 0, 0), 1,
                "completed", null, Instant.now(), "local", 1_500L, new UsageRecord.Routing(1, null, null), null);
    }
}
