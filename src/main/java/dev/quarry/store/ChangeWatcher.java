package dev.quarry.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a process's in-memory views (keys, policies, prices, budgets) in step with the store: one
 * background thread reads every area's version ({@link StoreVersions}) once per interval and runs
 * the reloads registered for the areas that moved — changes made by this process, the CLI or
 * another node alike. One small query per interval for the whole process, none per request.
 */
public final class ChangeWatcher implements AutoCloseable {
    /** A change anywhere is in force everywhere within a second: two polls fit. */
    public static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Logger LOG = Logger.getLogger(ChangeWatcher.class.getName());

    private static final class Watch {
        final String area;
        final Runnable reload;
        long seen;

        Watch(String area, Runnable reload, long seen) {
            this.area = area;
            this.reload = reload;
            this.seen = seen;
        }
    }

    private final Database db;
    private final Map<String, Long> baseline;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("store-change-watcher").factory());

    /**
     * Reads the versions now, before the views load, so a change landing while they load is
     * seen at the first poll (it costs at most one needless reload).
     */
    public ChangeWatcher(Database db, Duration interval) {
        this.db = db;
        this.baseline = StoreVersions.readAll(db);
        timer.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code reload} (on the watcher's thread) whenever {@code area}'s version moves. */
    public void onChange(String area, Runnable reload) {
        watches.add(new Watch(area, reload, Objects.requireNonNull(baseline.get(area), () -> "no store_versions row '" + area + "'")));
    }

    // A failure (the store briefly unreachable, a reload that threw) is logged and the reload is
    // tried again at the next poll: an exception escaping a scheduled task would stop it for good.
    private void poll() {
        try {
            Map<String, Long> now = StoreVersions.readAll(db);
            for (Watch watch : watches) {
                long version = now.get(watch.area);
                if (version == watch.seen) continue;
                try {
                    watch.reload.run();
                    watch.seen = version;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "reloading after a change to '" + watch.area + "' failed; the last view stays in force", e);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the store's versions; retrying", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
