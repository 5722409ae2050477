package dev.quarry.testing;

import dev.quarry.config.ConfigLoader;
import dev.quarry.config.QuarryConfig;
import dev.quarry.metering.UsageQueries;
import dev.quarry.metering.UsageRecord;
import dev.quarry.server.Quarry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A real Quarry on a free loopback port with its own data folder, for tests that speak HTTP to it. */
public final class TestQuarry implements AutoCloseable {
    private final Quarry quarry;
    private final Path dataDir;

    private TestQuarry(Quarry quarry, Path dataDir) {
        this.quarry = quarry;
        this.dataDir = dataDir;
    }

    /** Embedded defaults: SQLite, the built-in catalog, the offline models. */
    public static TestQuarry start() {
        return start("", Map.of());
    }

    /** With a YAML configuration and the environment its providers' keys come from. */
    public static TestQuarry start(String yaml, Map<String, String> env) {
        Path dir = tempDir();
        QuarryConfig config = ConfigLoader.parse(yaml, "test.yaml", dir).withPort(0);
        return new TestQuarry(Quarry.start(config, env::get), dir);
    }

    /** On a store target of {@link StoreTargets}: the data folder's SQLite file, or a fresh PostgreSQL database. */
    public static TestQuarry startOn(String target) {
        return target.equals("sqlite") ? start() : start("store: { url: \"" + StoreTargets.freshUrl(target) + "\" }", Map.of());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + quarry.port();
    }

    public String adminKey() {
        return quarry.admin().apiKey();
    }

    /** A new key for a new principal of that name. */
    public String newKey(String principal) {
        return quarry.identities().createKey(principal, dev.quarry.identity.PrincipalKind.USER).apiKey();
    }

    /** A JSON call to this Quarry with a key. */
    public JsonCalls.Reply call(String method, String path, String key, String body) {
        return JsonCalls.send(baseUrl(), method, path, key, body);
    }

    /** A JSON call with the bootstrap admin's key. */
    public JsonCalls.Reply admin(String method, String path, String body) {
        return call(method, path, adminKey(), body);
    }

    public UsageQueries usage() {
        return quarry.usage();
    }

    /** The ledger record of a request, waiting briefly: a stream's record is written as it ends. */
    public UsageRecord ledgerRecord(String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<UsageRecord> record = usage().byRequestId(requestId);
            if (record.isPresent()) return record.get();
            sleep();
        }
        throw new AssertionError("no ledger record for " + requestId);
    }

    public List<UsageRecord> ledgerFor(String principalName, int limit) {
        var principal = quarry.identities().ensurePrincipal(principalName, dev.quarry.identity.PrincipalKind.USER);
        return usage().recentFor(principal.id(), limit);
    }

    public Path dataDir() {
        return dataDir;
    }

    public Quarry quarry() {
        return quarry;
    }

    @Override
    public void close() {
        quarry.close();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("quarry-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
