package dev.quarry.identity;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reading principals (with their tags) inside a unit of work, for every identity store class. */
final class PrincipalRows {
    private PrincipalRows() {}

    static Optional<Principal> byName(Connection c, String name) throws SQLException {
        return one(c, "SELECT id, name, kind FROM principals WHERE name = ?", name);
    }

    static Optional<Principal> byId(Connection c, String id) throws SQLException {
        return one(c, "SELECT id, name, kind FROM principals WHERE id = ?", id);
    }

    /** @throws QuarryException {@link ErrorKind#NOT_FOUND} naming the principal */
    static Principal require(Connection c, String name) throws SQLException {
        return byName(c, name).orElseThrow(() -> QuarryException.of(ErrorKind.NOT_FOUND, "There is no principal named '" + name + "'."));
    }

    /** A principal from columns 1-3 (id, name, kind) of {@code r} at {@code offset}, with its tags read from the store. */
    static Principal at(Connection c, ResultSet r, int offset) throws SQLException {
        String id = r.getString(offset);
        return new Principal(id, r.getString(offset + 1), PrincipalKind.valueOf(r.getString(offset + 2)), tags(c, id));
    }

    static Map<String, String> tags(Connection c, String principalId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tag_key, tag_value FROM principal_tags WHERE principal_id = ?")) {
            s.setString(1, principalId);
            try (ResultSet r = s.executeQuery()) {
                Map<String, String> tags = new HashMap<>();
                while (r.next()) tags.put(r.getString(1), r.getString(2));
                return tags;
            }
        }
    }

    /** Users and services join the built-in group {@value Groups#USERS}, whose policy lets plain callers use models. */
    static Principal insert(Connection c, String name, PrincipalKind kind, Map<String, String> tags, long now) throws SQLException {
        Names.require("principal", name);
        tags.forEach(Names::requireTag);
        if (tags.size() > Names.MAX_TAGS) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A principal has at most " + Names.MAX_TAGS + " tags (got " + tags.size() + ").");
        }
        Principal p = new Principal("p-" + UUID.randomUUID(), name, kind, tags);
        update(c, "INSERT INTO principals (id, name, kind, created_at) VALUES (?, ?, ?, ?)", p.id(), p.name(), p.kind().name(), now);
        for (var tag : p.tags().entrySet()) {
            update(c, "INSERT INTO principal_tags (principal_id, tag_key, tag_value) VALUES (?, ?, ?)", p.id(), tag.getKey(), tag.getValue());
        }
        if (kind == PrincipalKind.USER || kind == PrincipalKind.SERVICE) {
            update(c, "INSERT INTO group_members (group_name, principal_id) VALUES (?, ?)", Groups.USERS, p.id());
        }
        return p;
    }

    /** Runs one statement with positional parameters; returns the rows changed. */
    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            return s.executeUpdate();
        }
    }

    private static Optional<Principal> one(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(at(c, r, 1)) : Optional.empty();
            }
        }
    }
}
