package dev.quarry.identity;

import dev.quarry.aws.SigV4;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SigV4Exception;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a presented credential into a principal without touching the store on the hot path:
 * known API keys and access keys are answered from memory. A key not yet in memory (created by
 * another process, such as {@code quarry keys create} next to a running server) is looked up
 * once and remembered; see {@link RememberedLookups}. What is remembered is dropped when the
 * store's identity version moves ({@link #forget()}, called by the store's change watcher), so a key
 * disabled or deleted anywhere stops working here within a poll, and so does every role session
 * assumed by a principal deleted anywhere. The principals an agent session runs as
 * ({@link Credential.Harness}) are remembered and forgotten the same way, so a principal deleted
 * anywhere stops its agents within a poll too.
 *
 * <p>A key is refused when deleted, disabled or expired, saying which; expiry is checked against
 * the clock on every use, so it needs no change in the store. When a key is accepted its last use
 * is noted in memory and written later in a batch.
 *
 * <p>A refused SigV4 signature is reported with the {@code Authorization} header as the
 * {@linkplain QuarryError#param() param} at fault, so AWS-shaped surfaces can tell a bad
 * signature (the key is known, the signature is wrong, expired or mis-scoped) from an unknown key.
 * A malformed signature header is {@link ErrorKind#INVALID_REQUEST}, the rest
 * {@link ErrorKind#AUTHENTICATION}; a refusal of a key Quarry knows is a {@link KeyRefused}.
 */
public final class Authenticator {
    static final String SECURITY_TOKEN = "X-Amz-Security-Token";

    private final Clock clock;
    /** Keys valid in memory only (the bootstrap admin's), by hash; never forgotten. */
    private final Map<String, Principal> trusted = new ConcurrentHashMap<>();
    private final RememberedLookups<StoredKey> apiKeys;
    private final RememberedLookups<AccessKey> accessKeys;
    private final RememberedLookups<Principal> principals;
    private final KeyUsage usage;

    public Authenticator(IdentityStore store, Clock clock) {
        this.clock = clock;
        this.apiKeys = new RememberedLookups<>(store.keys()::byHash, clock);
        this.accessKeys = new RememberedLookups<>(store.keys()::accessKey, clock);
        this.principals = new RememberedLookups<>(store::principalById, clock);
        this.usage = new KeyUsage(store.keys());
    }

    /** Makes a key valid in memory only (the bootstrap admin key, which is never stored). */
    public void trust(String apiKey, Principal principal) {
        trusted.put(ApiKeys.hash(apiKey), principal);
    }

    /** Remembers a key just issued by this process, so its first use needs no lookup. */
    public void remember(IssuedKey key) {
        StoredKey stored = StoredKey.issued(key);
        apiKeys.remember(ApiKeys.hash(key.apiKey()), stored);
        accessKeys.remember(key.accessKeyId(), new AccessKey(key.accessKeyId(), stored, key.secretAccessKey()));
    }

    /** Drops every remembered key and principal: the next use of each looks it up again. */
    public void forget() {
        apiKeys.forgetAll();
        accessKeys.forgetAll();
        principals.forgetAll();
    }

    /** Writes the last-use times gathered since the previous flush. */
    public void flushUsage() {
        usage.flush();
    }

    /** @throws QuarryException of kind {@link ErrorKind#AUTHENTICATION}, or {@link ErrorKind#INVALID_REQUEST} for a malformed signature */
    public Principal authenticate(Credential credential) {
        return switch (credential) {
            case Credential.None none -> throw QuarryException.of(ErrorKind.AUTHENTICATION,
                    "No API key was presented. Send your Quarry key as 'Authorization: Bearer <key>'.");
            case Credential.ApiKey key -> byApiKey(key.secret());
            case Credential.SigV4 signed -> bySignature(signed);
            case Credential.Unreadable unreadable -> throw new QuarryException(unreadable.problem());
            case Credential.Harness harness -> asHarness(harness);
        };
    }

    /**
     * An agent session's identity, for as long as its principals exist: a session running as a role
     * acts for the principal that assumed it, until the acting ends, as a role session's key does.
     */
    private Principal asHarness(Credential.Harness harness) {
        Principal owner = principals.find(harness.principalId()).orElseThrow(() -> QuarryException.of(ErrorKind.AUTHENTICATION,
                "The agent session runs as principal '" + harness.principalId() + "', which no longer exists; its agents stopped with it."));
        if (harness.onBehalfOfId() == null) return owner;
        if (owner.kind() != PrincipalKind.ROLE) {
            throw QuarryException.of(ErrorKind.AUTHENTICATION, "The agent session runs as '" + owner.name()
                    + "' for another principal, but '" + owner.name() + "' is not a role; only a role acts for another principal.");
        }
        Principal assumer = principals.find(harness.onBehalfOfId()).orElseThrow(() -> QuarryException.of(ErrorKind.AUTHENTICATION,
                "The agent session runs as role '" + owner.name() + "' for principal '" + harness.onBehalfOfId()
                        + "', which no longer exists; the session ended with it."));
        if (!clock.instant().isBefore(harness.until())) {
            throw QuarryException.of(ErrorKind.AUTHENTICATION, "The agent session's acting as role '" + owner.name() + "' for '"
                    + assumer.name() + "' ended at " + harness.until() + ".");
        }
        return owner.actingFor(assumer, harness.until());
    }

    private Principal byApiKey(String secret) {
        String hash = ApiKeys.hash(secret);
        Principal admin = trusted.get(hash);
        if (admin != null) return admin;
        StoredKey key = apiKeys.find(hash).orElseThrow(() -> QuarryException.of(ErrorKind.AUTHENTICATION,
                "The API key is not valid (key " + ApiKeys.displayPrefix(secret) + "…). Create one with 'quarry keys create --name NAME'."));
        return admit(key, "The API key " + key.prefix() + "… (" + key.keyId() + ")");
    }

    private Principal bySignature(Credential.SigV4 signed) {
        AccessKey pair = null;
        try {
            SigV4Authorization authorization = SigV4Authorization.parse(signed.request().header(SigV4Authorization.HEADER));
            pair = accessKeys.find(authorization.accessKeyId()).orElseThrow(() -> QuarryException.of(ErrorKind.AUTHENTICATION,
                    "The security token included in the request is invalid: access key '" + authorization.accessKeyId()
                            + "' is not known. Create a key pair with 'quarry keys create --name NAME'."));
            SigV4.verify(signed.request(), authorization, pair.secret(), signed.service(), clock.instant());
            requireSessionToken(pair, signed.request().header(SECURITY_TOKEN));
            return admit(pair.key(), "Access key '" + pair.id() + "'");
        } catch (SigV4Exception e) {
            ErrorKind kind = e.problem() == SigV4Exception.Problem.INCOMPLETE ? ErrorKind.INVALID_REQUEST : ErrorKind.AUTHENTICATION;
            QuarryError error = new QuarryError(kind, e.getMessage(), SigV4Authorization.HEADER, null);
            throw pair != null && kind == ErrorKind.AUTHENTICATION ? new KeyRefused(error, pair.key()) : new QuarryException(error);
        }
    }

    /** Temporary credentials of an assumed role are only valid with their session token, as on AWS. */
    private static void requireSessionToken(AccessKey pair, String presented) {
        String expected = pair.key().sessionTokenHash();
        if (expected == null) return;
        if (presented == null) {
            throw refused(pair.key(), "Access key '" + pair.id() + "' is a temporary credential of role '"
                    + pair.key().principal().name() + "': send its session token as " + SECURITY_TOKEN + ".");
        }
        if (!ApiKeys.hash(presented).equals(expected)) {
            throw refused(pair.key(), "The security token included in the request is invalid: it is not the "
                    + "session token of access key '" + pair.id() + "'.");
        }
    }

    private Principal admit(StoredKey key, String named) {
        Instant now = clock.instant();
        if (key.assumerGone()) {
            throw refused(key, named + " was a session of role '" + key.principal().name()
                    + "' whose assuming principal was deleted; the session ended with it.");
        }
        if (key.deleted()) {
            throw refused(key, named + " was deleted. Use another key of '" + key.principal().name() + "'.");
        }
        if (key.disabledAt() != null) {
            throw refused(key, named + " was disabled at " + key.disabledAt()
                    + ". Enable it with 'quarry keys enable " + key.keyId() + "' or use another key.");
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            throw refused(key, named + " expired at " + key.expiresAt() + "."
                    + (key.sessionTokenHash() == null ? "" : " Assume the role again for new credentials."));
        }
        usage.used(key.keyId(), now.toEpochMilli());
        return key.principal();
    }

    private static KeyRefused refused(StoredKey key, String message) {
        return new KeyRefused(QuarryError.of(ErrorKind.AUTHENTICATION, message), key);
    }
}
