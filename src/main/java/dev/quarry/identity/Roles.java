package dev.quarry.identity;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import static dev.quarry.identity.PrincipalRows.update;

/**
 * Roles: principals of kind {@link PrincipalKind#ROLE} that others assume, as on a cloud. A role's
 * trust lists who may assume it, by principal name or {@code group:NAME}; assuming it issues an
 * expiring key of the role with a session token ({@link RoleSession}). Policy may further restrict
 * who assumes what ({@code quarry:AssumeRole}); trust is the role's own consent.
 */
public final class Roles {
    public static final Duration MIN_SESSION = Duration.ofMinutes(15);
    public static final Duration MAX_SESSION = Duration.ofHours(12);
    public static final Duration DEFAULT_SESSION = Duration.ofHours(1);
    /** How a trust entry names a group rather than a principal. */
    public static final String GROUP_PREFIX = "group:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final KeyStore keys;
    private final Clock clock;

    Roles(Database db, KeyStore keys, Clock clock) {
        this.db = db;
        this.keys = keys;
        this.clock = clock;
    }

    /** @param trusted principal names and {@code group:NAME} entries allowed to assume the role */
    public Principal create(String name, List<String> trusted, Map<String, String> tags) {
        trusted.forEach(Roles::requireTrustEntry);
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            if (PrincipalRows.byName(c, name).isPresent()) {
                throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A principal named '" + name + "' already exists; a role needs a name of its own.");
            }
            Principal role = PrincipalRows.insert(c, name, PrincipalKind.ROLE, tags, clock.millis());
            for (String entry : trusted.stream().distinct().toList()) {
                update(c, "INSERT INTO role_trust (role_id, trusted) VALUES (?, ?)", role.id(), entry);
            }
            return role;
        });
    }

    /**
     * Issues temporary credentials of a role to a principal its trust names (directly or through a
     * group).
     *
     * @throws QuarryException {@link ErrorKind#PERMISSION_DENIED} when the trust does not name the caller,
     *                         {@link ErrorKind#NOT_FOUND} for an unknown role, {@link ErrorKind#INVALID_REQUEST} for a bad duration
     */
    public RoleSession assume(String roleName, String callerName, Duration duration) {
        return assume(roleName, callerName, null, null, duration);
    }

    /**
     * {@link #assume(String, String, Duration)} for an authenticated caller. A caller that is itself
     * a role session assumes on behalf of the principal behind that session: trust is the caller's,
     * but the new session is that principal's, so its budgets still apply and deleting it ends both.
     */
    public RoleSession assume(String roleName, Principal caller, Duration duration) {
        return assume(roleName, caller.name(), caller.onBehalfOf(), caller.sessionEnds(), duration);
    }

    /**
     * @param parentEnds when the caller's own session ends, for a caller that is one: a chained
     *                   session never outlives its parent (AWS caps role chaining likewise), so a
     *                   chain of roles trusting each other cannot renew itself past the user's
     *                   last key
     */
    private RoleSession assume(String roleName, String callerName, Principal behalfOf, Instant parentEnds, Duration duration) {
        if (duration.compareTo(MIN_SESSION) < 0 || duration.compareTo(MAX_SESSION) > 0) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "duration_seconds must be between " + MIN_SESSION.toSeconds() + " and "
                    + MAX_SESSION.toSeconds() + " (got " + duration.toSeconds() + ").");
        }
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            Principal role = requireRole(c, roleName);
            Principal caller = PrincipalRows.require(c, callerName);
            requireTrusted(c, role, caller);
            Principal assumer = behalfOf == null ? caller : behalfOf;
            // In the store's precision, so the expiry reported is the one a chained session is capped at.
            Instant requested = clock.instant().plus(duration).truncatedTo(ChronoUnit.MILLIS);
            Instant expiration = parentEnds != null && parentEnds.isBefore(requested) ? parentEnds : requested;
            IssuedKey key = keys.create(c, role, new KeyTerms(expiration, "session of " + assumer.name()));
            String token = newSessionToken();
            update(c, """
                    INSERT INTO role_sessions (session_id, role_id, assumed_by, key_id, session_token_hash, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    "sess-" + UUID.randomUUID(), role.id(), assumer.id(), key.keyId(), ApiKeys.hash(token), clock.millis(), expiration.toEpochMilli());
            return new RoleSession(role.name(), assumer.name(), key, token, expiration);
        });
    }

    /**
     * The role named {@code roleName}, if its trust names {@code caller} (directly or through a
     * group), as assuming it would require: what an agent session run as the role checks. A caller
     * that is itself a role session is trusted as that role, as when it assumes one.
     *
     * @throws QuarryException {@link ErrorKind#PERMISSION_DENIED} when the trust does not name the caller,
     *                         {@link ErrorKind#NOT_FOUND} for an unknown role
     */
    public Principal trusting(String roleName, Principal caller) {
        return db.read(c -> {
            Principal role = requireRole(c, roleName);
            requireTrusted(c, role, caller);
            return role;
        });
    }

    private static void requireTrusted(Connection c, Principal role, Principal caller) throws SQLException {
        List<String> trusted = trusted(c, role);
        boolean named = trusted.contains(caller.name())
                || groupsOf(c, caller.id()).stream().anyMatch(g -> trusted.contains(GROUP_PREFIX + g));
        if (!named) {
            throw QuarryException.of(ErrorKind.PERMISSION_DENIED, "'" + caller.name() + "' may not assume role '" + role.name()
                    + "': the role's trust names neither it nor a group it belongs to.");
        }
    }

    private static Principal requireRole(Connection c, String name) throws SQLException {
        return PrincipalRows.byName(c, name).filter(p -> p.kind() == PrincipalKind.ROLE)
                .orElseThrow(() -> QuarryException.of(ErrorKind.NOT_FOUND, "There is no role named '" + name + "'."));
    }

    private static List<String> trusted(Connection c, Principal role) throws SQLException {
        return strings(c, "SELECT trusted FROM role_trust WHERE role_id = ?", role.id());
    }

    private static List<String> groupsOf(Connection c, String principalId) throws SQLException {
        return strings(c, "SELECT group_name FROM group_members WHERE principal_id = ?", principalId);
    }

    private static List<String> strings(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet r = s.executeQuery()) {
                List<String> values = new ArrayList<>();
                while (r.next()) values.add(r.getString(1));
                return values;
            }
        }
    }

    private static void requireTrustEntry(String entry) {
        Names.require(entry.startsWith(GROUP_PREFIX) ? "group" : "principal",
                entry.startsWith(GROUP_PREFIX) ? entry.substring(GROUP_PREFIX.length()) : entry);
    }

    /** 48 random bytes: as unguessable as an API key, and hashed the same way. */
    private static String newSessionToken() {
        byte[] token = new byte[48];
        RANDOM.nextBytes(token);
        return "qst-" + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }
}
