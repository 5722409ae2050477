package dev.quarry.policy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.StoreVersions;
import dev.quarry.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Policies, their attachments and permission boundaries in the store. A document is validated
 * before it is written, and every change bumps {@code store_versions 'policy'} in its own
 * transaction, so every running {@link PolicyDirectory} notices it.
 */
public final class PolicyStore {
    private final Database db;
    private final Clock clock;

    public PolicyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Creates or replaces a policy.
     *
     * @throws PolicyException naming the place in the document that is wrong
     */
    public void put(String name, String document) {
        PolicyParser.parse(name, document);
        long now = clock.millis();
        change(c -> {
            if (update(c, "UPDATE policies SET document = ?, updated_at = ? WHERE name = ?", document, now, name) == 0) {
                update(c, "INSERT INTO policies (name, document, created_at, updated_at) VALUES (?, ?, ?, ?)", name, document, now, now);
            }
        });
    }

    /**
     * A policy's document as written.
     *
     * @throws QuarryException 404 when there is no such policy
     */
    public String document(String name) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT document FROM policies WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) throw noSuchPolicy(name);
                    return r.getString(1);
                }
            }
        });
    }

    /** Policy names, sorted. */
    public List<String> names() {
        return db.read(c -> {
            List<String> names = new ArrayList<>();
            query(c, "SELECT name FROM policies ORDER BY name", r -> names.add(r.getString(1)));
            return names;
        });
    }

    /** @throws QuarryException 404 when there is no such policy, 400 while it is still attached or a boundary */
    public void delete(String name) {
        change(c -> {
            requirePolicy(c, name);
            if (count(c, "SELECT COUNT(*) FROM policy_attachments WHERE policy_name = ?", name)
                    + count(c, "SELECT COUNT(*) FROM permission_boundaries WHERE policy_name = ?", name) > 0) {
                throw QuarryException.invalid("name", "Policy '" + name + "' is still attached or used as a permission boundary; detach it first.");
            }
            update(c, "DELETE FROM policies WHERE name = ?", name);
        });
    }

    /** Attaches a policy to an existing principal or group; attaching twice changes nothing. */
    public void attach(String policy, PolicyTarget target) {
        change(c -> {
            requirePolicy(c, policy);
            requireTarget(c, target);
            if (count(c, "SELECT COUNT(*) FROM policy_attachments WHERE policy_name = ? AND target_type = ? AND target_name = ?",
                    policy, target.type().wire(), target.name()) == 0) {
                update(c, "INSERT INTO policy_attachments (policy_name, target_type, target_name) VALUES (?, ?, ?)",
                        policy, target.type().wire(), target.name());
            }
        });
    }

    /** @throws QuarryException 404 when the policy is not attached there */
    public void detach(String policy, PolicyTarget target) {
        change(c -> {
            if (update(c, "DELETE FROM policy_attachments WHERE policy_name = ? AND target_type = ? AND target_name = ?",
                    policy, target.type().wire(), target.name()) == 0) {
                throw QuarryException.of(ErrorKind.NOT_FOUND, "Policy '" + policy + "' is not attached to " + target + ".");
            }
        });
    }

    /** Sets a principal's permission boundary, or removes it when {@code policy} is {@code null}. */
    public void setBoundary(String principal, String policy) {
        change(c -> {
            requireTarget(c, PolicyTarget.principal(principal));
            update(c, "DELETE FROM permission_boundaries WHERE principal_name = ?", principal);
            if (policy != null) {
                requirePolicy(c, policy);
                update(c, "INSERT INTO permission_boundaries (principal_name, policy_name) VALUES (?, ?)", principal, policy);
            }
        });
    }

    /**
     * Decides for a principal from what the store holds now, as a running server would: for the
     * simulator run outside a server.
     *
     * @throws QuarryException 404 when there is no such principal
     */
    public Decision simulate(String principalName, AccessRequest request) {
        return load().simulate(principalName, request);
    }

    @FunctionalInterface
    private interface Change {
        void apply(Connection c) throws SQLException;
    }

    /** Runs a change in one transaction that counts it in {@code store_versions} (see {@link StoreVersions#change}). */
    private void change(Change change) {
        StoreVersions.change(db, StoreVersions.POLICY, c -> {
            change.apply(c);
            return null;
        });
    }

    /** Everything authorizing needs, read in one transaction so that it is consistent. */
    PolicySnapshot load() {
        return db.transaction(c -> {
            Map<String, Policy> policies = new HashMap<>();
            query(c, "SELECT name, document FROM policies", r -> policies.put(r.getString(1), PolicyParser.parse(r.getString(1), r.getString(2))));
            Map<PolicyTarget, List<String>> attachments = new HashMap<>();
            query(c, "SELECT target_type, target_name, policy_name FROM policy_attachments ORDER BY policy_name", r -> attachments
                    .computeIfAbsent(new PolicyTarget(PolicyTarget.Type.of(r.getString(1), "target_type"), r.getString(2)), t -> new ArrayList<>())
                    .add(r.getString(3)));
            Map<String, String> boundaries = new HashMap<>();
            query(c, "SELECT principal_name, policy_name FROM permission_boundaries", r -> boundaries.put(r.getString(1), r.getString(2)));
            Map<String, String> names = new HashMap<>();
            query(c, "SELECT id, name FROM principals", r -> names.put(r.getString(1), r.getString(2)));
            Map<String, List<String>> groups = new HashMap<>();
            query(c, "SELECT p.name, m.group_name FROM group_members m JOIN principals p ON p.id = m.principal_id ORDER BY m.group_name",
                    r -> groups.computeIfAbsent(r.getString(1), n -> new ArrayList<>()).add(r.getString(2)));
            Map<String, Map<String, String>> tags = new HashMap<>();
            query(c, "SELECT p.name, t.tag_key, t.tag_value FROM principal_tags t JOIN principals p ON p.id = t.principal_id",
                    r -> tags.computeIfAbsent(r.getString(1), n -> new HashMap<>()).put(r.getString(2), r.getString(3)));
            Map<String, List<String>> trust = new HashMap<>();
            query(c, "SELECT p.name, t.trusted FROM role_trust t JOIN principals p ON p.id = t.role_id",
                    r -> trust.computeIfAbsent(r.getString(1), n -> new ArrayList<>()).add(r.getString(2)));
            return new PolicySnapshot(policies, attachments, boundaries, names, groups, tags, trust);
        });
    }

    private static void requirePolicy(Connection c, String name) throws SQLException {
        if (count(c, "SELECT COUNT(*) FROM policies WHERE name = ?", name) == 0) throw noSuchPolicy(name);
    }

    private static QuarryException noSuchPolicy(String name) {
        return QuarryException.of(ErrorKind.NOT_FOUND, "There is no policy named '" + name + "'.");
    }

    private static void requireTarget(Connection c, PolicyTarget target) throws SQLException {
        String sql = switch (target.type()) {
            case PRINCIPAL -> "SELECT COUNT(*) FROM principals WHERE name = ?";
            case GROUP -> "SELECT COUNT(*) FROM groups WHERE name = ?";
        };
        if (count(c, sql, target.name()) == 0) {
            throw QuarryException.of(ErrorKind.NOT_FOUND, "There is no " + target.type().wire() + " named '" + target.name() + "'.");
        }
    }

    @FunctionalInterface
    private interface Row {
        void accept(ResultSet r) throws SQLException;
    }

    private static void query(Connection c, String sql, Row row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            while (r.next()) row.accept(r);
        }
    }

    private static long count(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepared(c, sql, params); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepared(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    private static PreparedStatement prepared(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
        return s;
    }
}
