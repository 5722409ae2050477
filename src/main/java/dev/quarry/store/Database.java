package dev.quarry.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The store's connections: a small fixed pool, opened at start-up and migrated to the newest
 * schema. Callers borrow a connection for one unit of work ({@link #read}, {@link #transaction}).
 * SQLite writes all go through one more connection of their own, whose page cache stays warm
 * from one commit to the next (on pooled connections each commit re-read the pages another had
 * changed). Ledger rows and audit events are committed together ({@link #commitGrouped}), as
 * durably as {@code ledger.durability} asks.
 */
public final class Database implements AutoCloseable {
    /** The SQLite writer's page cache, in KiB (SQLite's default is 2 MB): the ledger's and audit trail's indexes stay in it. */
    private static final int WRITER_CACHE_KIB = 16 * 1024;

    private final String url;
    private final boolean sqlite;
    private final Durability grouped;
    private final BlockingQueue<Connection> idle;
    private final List<Connection> all = new ArrayList<>();
    /** SQLite: the one connection every transaction writes on; {@code null} for PostgreSQL, whose pool writes. */
    private final Connection writer;
    /** SQLite: the writer's {@code synchronous} level, changed only between transactions and only when a commit asks for another. */
    private Durability writerSync = Durability.POWER;
    private final GroupCommit groupCommit;
    /**
     * SQLite's writers, queued here in order. SQLite has one write lock and its busy handler is not
     * a queue: a waiter sleeps and retries, and under steady writes it can lose to newcomers until
     * its busy timeout ends in SQLITE_BUSY. Waiting here, no writer of this process meets it.
     */
    private final ReentrantLock sqliteWriter = new ReentrantLock(true);

    private Database(String url, int poolSize, Durability grouped) {
        this.url = url;
        this.sqlite = url.startsWith("jdbc:sqlite:");
        this.grouped = grouped;
        this.idle = new ArrayBlockingQueue<>(poolSize);
        try {
            for (int i = 0; i < poolSize; i++) {
                Connection c = connect();
                all.add(c);
                idle.add(c);
            }
            this.writer = sqlite ? sqliteWriter() : null;
        } catch (SQLException e) {
            close();
            throw new StoreException("cannot open the store at " + redacted(url) + ": " + e.getMessage(), e);
        }
        this.groupCommit = new GroupCommit(this);
    }

    private Connection sqliteWriter() throws SQLException {
        Connection c = connect();
        all.add(c);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA cache_size=-" + WRITER_CACHE_KIB);
        }
        return c;
    }

    /**
     * Opens (creating if needed) and migrates the database at a JDBC URL. A SQLite file and its
     * write-ahead log and shared memory are owner-only: they hold key hashes, sealed secrets and
     * the audit trail.
     */
    public static Database open(String url) {
        return open(url, Durability.DEFAULT);
    }

    /** Opens the database, committing ledger rows and audit events ({@link #commitGrouped}) as durably as asked. */
    public static Database open(String url, Durability grouped) {
        Path sqliteFile = sqliteFile(url);
        if (sqliteFile != null) DataFolder.ownerOnly(sqliteFile, true);
        migrate(url);
        Database db = new Database(url, url.startsWith("jdbc:sqlite:") ? 4 : 8, grouped);
        if (sqliteFile != null) {
            // SQLite gives these the database file's mode when it creates them; ones left by an older version are narrowed here.
            for (String suffix : List.of("-wal", "-shm")) DataFolder.ownerOnly(sqliteFile.resolveSibling(sqliteFile.getFileName() + suffix), false);
        }
        return db;
    }

    /** The default store: a SQLite file in the data folder. */
    public static Database sqliteIn(Path dataDir) {
        return sqliteIn(dataDir, Durability.DEFAULT);
    }

    public static Database sqliteIn(Path dataDir, Durability grouped) {
        return open("jdbc:sqlite:" + DataFolder.ensure(dataDir).resolve("quarry.db").toAbsolutePath(), grouped);
    }

    /** The file of a SQLite URL naming a plain path; {@code null} for other stores, in-memory and URI forms. */
    private static Path sqliteFile(String url) {
        if (!url.startsWith("jdbc:sqlite:")) return null;
        String path = url.substring("jdbc:sqlite:".length()).split("\\?", 2)[0];
        return path.isEmpty() || path.startsWith(":") || path.startsWith("file:") ? null : Path.of(path);
    }

    private static void migrate(String url) {
        try {
            Flyway.configure()
                    .dataSource(url, null, null)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            // Flyway's message is a table of SQL state, error code and message over several lines: the driver's says it in one.
            Throwable cause = e;
            while (cause.getCause() != null) cause = cause.getCause();
            String reason = String.valueOf(cause.getMessage()).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("---")).collect(Collectors.joining("; "));
            throw new StoreException("cannot open the store at " + redacted(url) + ": " + reason, e);
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        // SQLite: a transaction takes the write lock when it begins, so two writers queue (busy_timeout)
        // instead of one failing at once when its read turns into a write.
        if (sqlite) properties.setProperty("transaction_mode", "IMMEDIATE");
        Connection c = DriverManager.getConnection(url, properties);
        if (sqlite) {
            try (Statement s = c.createStatement()) {
                // WAL lets readers run beside the one writer; FULL makes each commit durable
                // (group commits may ask for less: writerSync).
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA foreign_keys=ON");
            }
        }
        return c;
    }

    /** Runs read-only or single-statement work on a pooled connection in auto-commit mode. */
    public <T> T read(SqlWork<T> work) {
        Connection c = borrow();
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("store query failed: " + e.getMessage(), e);
        } finally {
            idle.add(c);
        }
    }

    /** Runs work in one transaction, durable against power loss: committed if it returns, rolled back if it throws. */
    public <T> T transaction(SqlWork<T> work) {
        return transaction(work, Durability.POWER);
    }

    /**
     * Commits ledger rows, audit events and the like together with other writers' ({@link GroupCommit}),
     * as durably as {@code ledger.durability} asks, and returns the work's result.
     */
    public <T> T commitGrouped(GroupedWork<T> work) {
        return groupCommit.commit(work, false);
    }

    /**
     * As {@link #commitGrouped}, but durable against power loss whatever {@code ledger.durability} says:
     * for what is also recorded outside the store (an audit digest its anchor file names), which the
     * store must not lose while the outside record stays. The whole group commits so, which also makes
     * the commits before it durable.
     */
    public <T> T commitGroupedDurably(GroupedWork<T> work) {
        return groupCommit.commit(work, true);
    }

    /** The group commit's transaction; {@code power}: durable against power loss whatever the setting. */
    <T> T groupTransaction(SqlWork<T> work, boolean power) {
        return transaction(work, power ? Durability.POWER : grouped);
    }

    private <T> T transaction(SqlWork<T> work, Durability durability) {
        if (!sqlite) {
            Connection c = borrow();
            try {
                return inTransaction(c, work, durability);
            } finally {
                idle.add(c);
            }
        }
        // On the one writer connection an inner transaction would commit the outer one's work half done.
        if (sqliteWriter.isHeldByCurrentThread()) throw new IllegalStateException("a store transaction inside another");
        sqliteWriter.lock();
        try {
            syncWriterFor(durability);
            return inTransaction(writer, work, durability);
        } finally {
            sqliteWriter.unlock();
        }
    }

    /** SQLite refuses to change {@code synchronous} inside a transaction; a FULL commit also makes the NORMAL ones before it durable. */
    private void syncWriterFor(Durability durability) {
        if (durability == writerSync) return;
        try (Statement s = writer.createStatement()) {
            s.execute(durability == Durability.POWER ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            writerSync = durability;
        } catch (SQLException e) {
            throw new StoreException("store transaction failed: " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(Connection c, SqlWork<T> work, Durability durability) {
        try {
            begin(c);
            try {
                // PostgreSQL: the commit returns once the server has it, before its WAL is flushed to disk.
                if (durability == Durability.PROCESS && !sqlite) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL synchronous_commit TO off");
                    }
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Throwable e) {
                // Any failure, an Error too: setAutoCommit(true) below would otherwise commit the work half done.
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("store transaction failed: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a transaction. The SQLite driver marks the connection as in a transaction before it asks
     * for the write lock; when that fails (another process held it past the busy timeout), it is
     * marked back, or the next work on this connection would run statement by statement.
     */
    private static void begin(Connection c) throws SQLException {
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            try {
                c.setAutoCommit(true);
            } catch (SQLException alsoFailed) {
                // the mark is reset before the driver's COMMIT, which fails here for want of a transaction
            }
            throw e;
        }
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    private Connection borrow() {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a store connection", e);
        }
    }

    /** Commits what the group commit holds, then closes every connection. */
    @Override
    public void close() {
        if (groupCommit != null) groupCommit.close();
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing on shutdown: nothing left to do with a connection that will not close
            }
        }
        all.clear();
    }

    private static String redacted(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }
}
