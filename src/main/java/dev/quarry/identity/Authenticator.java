package dev.quarry.identity;

import dev.quarry.aws.SigV4;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SigV4Exception;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import java.time.Clock;

/**
 * Turns a presented credential into a principal without touching the store on the hot path:
 * known API keys and access keys are answered from memory. A key not yet in memory (created by
 * another process, such as {@code quarry keys create} next to a running server) is looked up
 * once and remembered; see {@link RememberedLookups}.
 *
 * <p>A refused SigV4 signature is reported with the {@code Authorization} header as the
 * {@linkplain QuarryError#param() param} at fault, so AWS-shaped surfaces can tell a bad
 * signature (the key is known, the signature is wrong, expired or mis-scoped) from an unknown key.
 * A malformed signature header is {@link ErrorKind#INVALID_REQUEST}, the rest
 * {@link ErrorKind#AUTHENTICATION}.
 */
public final class Authenticator {
    private final Clock clock;
    private final RememberedLookups<Principal> apiKeys;
    private final RememberedLookups<AccessKey> accessKeys;

    public Authenticator(IdentityStore store, Clock clock) {
        this.clock = clock;
        this.apiKeys = new RememberedLookups<>(store::principalForKeyHash, clock);
        this.accessKeys = new RememberedLookups<>(store::accessKey, clock);
    }

    /** Makes a key valid in memory only (the bootstrap admin key, which is never stored). */
    public void trust(String apiKey, Principal principal) {
        apiKeys.remember(ApiKeys.hash(apiKey), principal);
    }

    /** Remembers a key just issued by this process, so its first use needs no lookup. */
    public void remember(IssuedKey key) {
        trust(key.apiKey(), key.principal());
        accessKeys.remember(key.accessKeyId(), new AccessKey(key.accessKeyId(), key.principal(), key.secretAccessKey()));
    }

    /** @throws QuarryException of kind {@link ErrorKind#AUTHENTICATION}, or {@link ErrorKind#INVALID_REQUEST} for a malformed signature */
    public Principal authenticate(Credential credential) {
        return switch (credential) {
            case Credential.None none -> throw QuarryException.of(ErrorKind.AUTHENTICATION,
                    "No API key was presented. Send your Quarry key as 'Authorization: Bearer <key>'.");
            case Credential.ApiKey key -> apiKeys.find(ApiKeys.hash(key.secret())).orElseThrow(() -> QuarryException.of(ErrorKind.AUTHENTICATION,
                    "The API key is not valid (key " + ApiKeys.displayPrefix(key.secret()) + "…). "
                            + "Create one with 'quarry keys create --name NAME'."));
            case Credential.SigV4 signed -> bySignature(signed);
        };
    }

    private Principal bySignature(Credential.SigV4 signed) {
        try {
            SigV4Authorization authorization = SigV4Authorization.parse(signed.request().header(SigV4Authorization.HEADER));
            AccessKey key = accessKeys.find(authorization.accessKeyId()).orElseThrow(() -> QuarryException.of(ErrorKind.AUTHENTICATION,
                    "The security token included in the request is invalid: access key '" + authorization.accessKeyId()
                            + "' is not known. Create a key pair with 'quarry keys create --name NAME'."));
            SigV4.verify(signed.request(), authorization, key.secret(), signed.service(), clock.instant());
            return key.principal();
        } catch (SigV4Exception e) {
            ErrorKind kind = e.problem() == SigV4Exception.Problem.INCOMPLETE ? ErrorKind.INVALID_REQUEST : ErrorKind.AUTHENTICATION;
            throw new QuarryException(new QuarryError(kind, e.getMessage(), SigV4Authorization.HEADER, null));
        }
    }
}
