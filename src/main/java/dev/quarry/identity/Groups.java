package dev.quarry.identity;

import dev.quarry.store.StoreVersions;
import static dev.quarry.identity.PrincipalRows.update;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Groups of principals: policies attached to a group apply to its members. */
public final class Groups {
    /** The built-in group of every user and service; it cannot be deleted. */
    public static final String USERS = "users";

    /** A group and the names of its members, sorted. */
    public record Group(String name, List<String> members) {}

    private final Database db;
    private final Clock clock;

    Groups(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Group create(String name) {
        Names.require("group", name);
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            if (exists(c, name)) throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A group named '" + name + "' already exists.");
            update(c, "INSERT INTO groups (name, created_at) VALUES (?, ?)", name, clock.millis());
            return new Group(name, List.of());
        });
    }

    /** Deletes a group and its memberships (its members stay). */
    public void delete(String name) {
        if (USERS.equals(name)) throw QuarryException.of(ErrorKind.INVALID_REQUEST, "The built-in group '" + USERS + "' cannot be deleted.");
        StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            require(c, name);
            update(c, "DELETE FROM group_members WHERE group_name = ?", name);
            // Attachments and trust name the group: a group created later under this name must start clean.
            update(c, "DELETE FROM policy_attachments WHERE target_type = 'group' AND target_name = ?", name);
            update(c, "DELETE FROM role_trust WHERE trusted = ?", "group:" + name);
            update(c, "DELETE FROM groups WHERE name = ?", name);
            return null;
        });
    }

    /** Adds a member; adding one already in the group changes nothing. */
    public Group add(String group, String principal) {
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            require(c, group);
            Principal p = PrincipalRows.require(c, principal);
            if (!isMember(c, group, p.id())) {
                update(c, "INSERT INTO group_members (group_name, principal_id) VALUES (?, ?)", group, p.id());
            }
            return get(c, group).orElseThrow();
        });
    }

    /** @throws QuarryException {@link ErrorKind#NOT_FOUND} when the principal is not a member */
    public Group remove(String group, String principal) {
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            require(c, group);
            Principal p = PrincipalRows.require(c, principal);
            if (update(c, "DELETE FROM group_members WHERE group_name = ? AND principal_id = ?", group, p.id()) == 0) {
                throw QuarryException.of(ErrorKind.NOT_FOUND, "'" + principal + "' is not a member of group '" + group + "'.");
            }
            return get(c, group).orElseThrow();
        });
    }

    public Optional<Group> get(String name) {
        return db.read(c -> get(c, name));
    }

    public List<Group> list() {
        return db.read(c -> {
            Map<String, List<String>> members = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT g.name, p.name FROM groups g LEFT JOIN group_members m ON m.group_name = g.name
                    LEFT JOIN principals p ON p.id = m.principal_id ORDER BY g.name, p.name""");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    List<String> names = members.computeIfAbsent(r.getString(1), g -> new ArrayList<>());
                    if (r.getString(2) != null) names.add(r.getString(2));
                }
            }
            return members.entrySet().stream().map(e -> new Group(e.getKey(), List.copyOf(e.getValue()))).toList();
        });
    }

    private static Optional<Group> get(Connection c, String name) throws SQLException {
        if (!exists(c, name)) return Optional.empty();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT p.name FROM group_members m JOIN principals p ON p.id = m.principal_id WHERE m.group_name = ? ORDER BY p.name""")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                List<String> members = new ArrayList<>();
                while (r.next()) members.add(r.getString(1));
                return Optional.of(new Group(name, List.copyOf(members)));
            }
        }
    }

    private static void require(Connection c, String name) throws SQLException {
        if (!exists(c, name)) throw QuarryException.of(ErrorKind.NOT_FOUND, "There is no group named '" + name + "'.");
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        return count(c, "SELECT COUNT(*) FROM groups WHERE name = ?", name) > 0;
    }

    private static boolean isMember(Connection c, String group, String principalId) throws SQLException {
        return count(c, "SELECT COUNT(*) FROM group_members WHERE group_name = ? AND principal_id = ?", group, principalId) > 0;
    }

    private static long count(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setString(i + 1, params[i]);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
