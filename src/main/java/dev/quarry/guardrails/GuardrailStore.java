package dev.quarry.guardrails;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Guardrails in the store ({@code guardrails}, {@code guardrail_versions}, V9). A draft changes
 * freely; publishing copies it into the next version, which nothing changes afterwards. Every
 * change bumps the {@code guardrail} area of {@code store_versions}, which running servers poll.
 */
public final class GuardrailStore {
    private final Database db;
    private final Clock clock;

    public GuardrailStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** @throws QuarryException 400 when the id or the name is taken */
    public StoredGuardrail create(String id, GuardrailSpec draft) {
        return StoreVersions.change(db, StoreVersions.GUARDRAIL, c -> {
            insert(c, id, draft, "api");
            return load(c, id);
        });
    }

    /**
     * Replaces the draft.
     *
     * @throws QuarryException 404 when there is no such guardrail, 400 when the config file defines it
     */
    public StoredGuardrail updateDraft(String id, GuardrailSpec draft) {
        return StoreVersions.change(db, StoreVersions.GUARDRAIL, c -> {
            requireApiOwned(load(c, id));
            writeDraft(c, id, draft);
            return load(c, id);
        });
    }

    /**
     * Publishes the draft as the next version.
     *
     * @return the new version's number
     * @throws QuarryException 404 when there is no such guardrail, 400 when the config file defines it
     */
    public int publish(String id) {
        return StoreVersions.change(db, StoreVersions.GUARDRAIL, c -> {
            StoredGuardrail g = requireApiOwned(load(c, id));
            return addVersion(c, id, g);
        });
    }

    /** @throws QuarryException 404 when there is no such guardrail, 400 when the config file defines it */
    public void delete(String id) {
        StoreVersions.change(db, StoreVersions.GUARDRAIL, c -> {
            requireApiOwned(load(c, id));
            remove(c, id);
            return null;
        });
    }

    /**
     * Brings the config file's guardrails into the store: one not stored yet is created with its
     * definition as version 1; one whose definition changed gets it as its draft and as a new
     * version, so versions stay immutable while the file stays the source of truth; one the file
     * no longer defines is deleted, as a guardrail deleted through the admin API is.
     *
     * @throws QuarryException 400 when a config guardrail's id or name belongs to one made through the admin API
     */
    public void syncFromConfig(Map<String, GuardrailSpec> defined) {
        StoreVersions.change(db, StoreVersions.GUARDRAIL, c -> {
            for (var entry : defined.entrySet()) {
                StoredGuardrail stored = find(c, entry.getKey());
                if (stored == null) {
                    insert(c, entry.getKey(), entry.getValue(), "config");
                    addVersion(c, entry.getKey(), load(c, entry.getKey()));
                    continue;
                }
                if (!stored.fromConfig()) {
                    throw QuarryException.invalid("guardrails", "Guardrail '" + entry.getKey() + "' was created through the admin API; "
                            + "give the config file's guardrail another id.");
                }
                Integer latest = stored.latest();
                if (latest != null && stored.versions().get(latest).equals(entry.getValue())) continue;
                writeDraft(c, entry.getKey(), entry.getValue());
                addVersion(c, entry.getKey(), load(c, entry.getKey()));
            }
            for (String id : configIds(c)) if (!defined.containsKey(id)) remove(c, id);
            return null;
        });
    }

    public List<StoredGuardrail> list() {
        return db.read(c -> {
            Map<String, List<VersionRow>> versions = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT guardrail_id, version, definition FROM guardrail_versions ORDER BY guardrail_id, version");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) versions.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new VersionRow(r.getInt(2), r.getString(3)));
            }
            List<StoredGuardrail> all = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, draft, origin, created_at, updated_at FROM guardrails ORDER BY id");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) all.add(row(r, versions.getOrDefault(r.getString(1), List.of())));
            }
            return all;
        });
    }

    /** @throws QuarryException 404 when there is no such guardrail */
    public StoredGuardrail get(String id) {
        return db.read(c -> load(c, id));
    }

    private static void remove(Connection c, String id) throws SQLException {
        for (String sql : List.of("DELETE FROM guardrail_versions WHERE guardrail_id = ?", "DELETE FROM guardrails WHERE id = ?")) {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, id);
                s.executeUpdate();
            }
        }
    }

    private static List<String> configIds(Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM guardrails WHERE origin = 'config'"); ResultSet r = s.executeQuery()) {
            while (r.next()) ids.add(r.getString(1));
        }
        return ids;
    }

    private record VersionRow(int number, String definition) {}

    public static QuarryException notFound(String id) {
        return QuarryException.of(ErrorKind.NOT_FOUND, "There is no guardrail with id '" + id + "'.");
    }

    private void insert(Connection c, String id, GuardrailSpec draft, String origin) throws SQLException {
        if (find(c, id) != null) throw QuarryException.invalid("id", "A guardrail with id '" + id + "' already exists.");
        nameFree(c, draft.name(), id);
        long now = clock.millis();
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO guardrails (id, name, draft, origin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, draft.name());
            s.setString(3, GuardrailJson.writeString(draft));
            s.setString(4, origin);
            s.setLong(5, now);
            s.setLong(6, now);
            s.executeUpdate();
        }
    }

    /** Replaces a guardrail's draft (and so its name), refusing a name another guardrail has. */
    private void writeDraft(Connection c, String id, GuardrailSpec draft) throws SQLException {
        nameFree(c, draft.name(), id);
        try (PreparedStatement s = c.prepareStatement("UPDATE guardrails SET draft = ?, name = ?, updated_at = ? WHERE id = ?")) {
            s.setString(1, GuardrailJson.writeString(draft));
            s.setString(2, draft.name());
            s.setLong(3, clock.millis());
            s.setString(4, id);
            s.executeUpdate();
        }
    }

    private int addVersion(Connection c, String id, StoredGuardrail g) throws SQLException {
        int next = g.latest() == null ? 1 : g.latest() + 1;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO guardrail_versions (guardrail_id, version, definition, created_at) VALUES (?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setInt(2, next);
            s.setString(3, GuardrailJson.writeString(g.draft()));
            s.setLong(4, clock.millis());
            s.executeUpdate();
        }
        return next;
    }

    private static void nameFree(Connection c, String name, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM guardrails WHERE name = ? AND id <> ?")) {
            s.setString(1, name);
            s.setString(2, id);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) throw QuarryException.invalid("name", "A guardrail named '" + name + "' already exists ('" + r.getString(1) + "').");
            }
        }
    }

    private static StoredGuardrail requireApiOwned(StoredGuardrail g) {
        if (g.fromConfig()) {
            throw QuarryException.invalid("id", "Guardrail '" + g.id() + "' is defined in the config file; change it there.");
        }
        return g;
    }

    private static StoredGuardrail load(Connection c, String id) throws SQLException {
        StoredGuardrail g = find(c, id);
        if (g == null) throw notFound(id);
        return g;
    }

    private static StoredGuardrail find(Connection c, String id) throws SQLException {
        List<VersionRow> versions = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT version, definition FROM guardrail_versions WHERE guardrail_id = ? ORDER BY version")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) versions.add(new VersionRow(r.getInt(1), r.getString(2)));
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT id, draft, origin, created_at, updated_at FROM guardrails WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? row(r, versions) : null;
            }
        }
    }

    private static StoredGuardrail row(ResultSet r, List<VersionRow> versions) throws SQLException {
        TreeMap<Integer, GuardrailSpec> specs = new TreeMap<>();
        for (VersionRow v : versions) specs.put(v.number(), GuardrailJson.read(v.definition()));
        return new StoredGuardrail(r.getString(1), GuardrailJson.read(r.getString(2)), specs, "config".equals(r.getString(3)),
                Instant.ofEpochMilli(r.getLong(4)), Instant.ofEpochMilli(r.getLong(5)));
    }
}
