package dev.quarry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases store tests run against: a fresh SQLite file, and a fresh database on the local
 * PostgreSQL (127.0.0.1:5432, trust auth; {@code QUARRY_TEST_PG} overrides the server URL). On
 * CI PostgreSQL is required; elsewhere its tests are skipped, saying why, when it cannot be reached.
 */
public final class StoreTargets {
    private static final String PG_SERVER = System.getenv().getOrDefault("QUARRY_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
    private static final String PG_USER = "postgres";

    /** Databases this JVM created, dropped when it exits so test runs leave nothing behind. */
    private static final java.util.List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(StoreTargets::dropCreated, "drop-test-databases"));
    }

    private StoreTargets() {}

    private static void dropCreated() {
        if (CREATED.isEmpty()) return;
        try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres?user=" + PG_USER); Statement s = c.createStatement()) {
            for (String db : CREATED) s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop test databases " + CREATED + ": " + e.getMessage());
        }
    }

    /** The names of the targets, for {@code @MethodSource}. */
    public static Stream<String> names() {
        return Stream.of("sqlite", "postgresql");
    }

    /** A JDBC URL for a new, empty database of that kind. */
    public static String freshUrl(String name) {
        return switch (name) {
            case "sqlite" -> {
                try {
                    yield "jdbc:sqlite:" + Files.createTempDirectory("quarry-store-").resolve("quarry.db");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "postgresql" -> freshPostgres();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String freshPostgres() {
        String db = "quarry_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres?user=" + PG_USER); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            CREATED.add(db);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("PostgreSQL is required on CI: " + e.getMessage(), e);
            Assumptions.abort("PostgreSQL at " + PG_SERVER + " is not reachable (" + e.getMessage() + "); its store tests are skipped");
        }
        return PG_SERVER + db + "?user=" + PG_USER;
    }
}
