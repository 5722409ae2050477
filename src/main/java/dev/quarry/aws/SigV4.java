package dev.quarry.aws;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 with the {@code Authorization} header: signs outbound requests and
 * verifies inbound ones with the same canonical request, so the two cannot drift apart.
 */
public final class SigV4 {
    private static final int MAX_SIGNING_KEYS = 10_000;
    private static final Map<String, byte[]> SIGNING_KEYS = new ConcurrentHashMap<>();

    /** How far a request's signing time may be from now, either way (AWS's own limit). */
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String X_AMZ_DATE = "x-amz-date";
    private static final String X_AMZ_SECURITY_TOKEN = "x-amz-security-token";
    /**
     * HTTP/2's request authority as a header name. Clients that speak HTTP/2 (the AWS SDK for
     * JavaScript v3, for one) send no {@code host} header and sign this pseudo-header in its place,
     * so either one names the authority the signature was made for.
     */
    public static final String AUTHORITY = ":authority";

    private SigV4() {}

    /**
     * Signs a request and returns the headers to add to it ({@code X-Amz-Date}, the session
     * token if any, and {@code Authorization}). Every header of {@code request} is signed, so it
     * must hold exactly the headers that will be sent, {@code host} (or, for HTTP/2, {@code :authority}) included.
     */
    public static Map<String, String> sign(SignableRequest request, AwsCredentials credentials, String region, String service, Instant now) {
        if (request.header("host") == null && request.header(AUTHORITY) == null) {
            throw new IllegalArgumentException("a SigV4-signed request needs its host header (or, over HTTP/2, its :authority)");
        }
        String amzDate = AMZ_DATE.format(now);
        var added = new LinkedHashMap<String, String>();
        added.put("X-Amz-Date", amzDate);
        if (credentials.sessionToken() != null) added.put("X-Amz-Security-Token", credentials.sessionToken());
        SignableRequest signed = request;
        for (var header : added.entrySet()) signed = signed.withHeader(header.getKey(), header.getValue());

        var scope = new CredentialScope(now.atZone(ZoneOffset.UTC).toLocalDate(), region, service);
        List<String> signedHeaders = new ArrayList<>(signed.headers().keySet());
        String signature = signature(credentials.secretAccessKey(), scope, amzDate, CanonicalRequest.of(signed, signedHeaders));
        added.put("Authorization", new SigV4Authorization(credentials.accessKeyId(), scope, signedHeaders, signature).header());
        return added;
    }

    /**
     * Checks that {@code request} carries {@code authorization} made with {@code secret} for
     * {@code service}, signed within {@link #MAX_SKEW} of {@code now}. The signature is checked
     * before the time, so only the key's holder learns about clock skew.
     */
    public static void verify(SignableRequest request, SigV4Authorization authorization, String secret, String service, Instant now)
            throws SigV4Exception {
        CredentialScope scope = authorization.scope();
        if (!scope.service().equals(service)) {
            throw new SigV4Exception(SigV4Exception.Problem.WRONG_SCOPE, "Credential should be scoped to correct service: '" + service + "'.");
        }
        if (!AwsRegions.isKnown(scope.region())) {
            throw new SigV4Exception(SigV4Exception.Problem.WRONG_SCOPE, "Credential should be scoped to a valid region.");
        }
        // AWS's own wording: a signature must pin the authority it was made for, by either name.
        if (!authorization.signedHeaders().contains("host") && !authorization.signedHeaders().contains(AUTHORITY)) {
            throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        if (!authorization.signedHeaders().contains(X_AMZ_DATE)) {
            throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "'" + X_AMZ_DATE + "' must be a 'SignedHeader' in the AWS Authorization.");
        }
        checkOneAuthority(request);
        for (String name : authorization.signedHeaders()) {
            if (!request.headers().containsKey(name)) {
                throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "Signed header '" + name + "' is missing from the request.");
            }
        }
        String amzDate = request.header(X_AMZ_DATE);
        Instant signedAt = parseAmzDate(amzDate);
        if (!scope.date().equals(signedAt.atZone(ZoneOffset.UTC).toLocalDate())) {
            throw new SigV4Exception(SigV4Exception.Problem.WRONG_SCOPE, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + CredentialScope.DATE.format(scope.date()) + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }

        // The derived key is kept only once it has verified a signature: otherwise anyone who knows an
        // access key id could fill the cache with keys for scopes of their choosing.
        byte[] signingKey = cachedSigningKey(secret, scope);
        boolean cached = signingKey != null;
        if (!cached) signingKey = deriveSigningKey(secret, scope);
        String expected = signature(signingKey, scope, amzDate, CanonicalRequest.of(request, authorization.signedHeaders()));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), authorization.signature().getBytes(StandardCharsets.US_ASCII))) {
            throw new SigV4Exception(SigV4Exception.Problem.MISMATCH, "The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        if (!cached) keepSigningKey(secret, scope, signingKey);

        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw new SigV4Exception(SigV4Exception.Problem.EXPIRED, "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new SigV4Exception(SigV4Exception.Problem.EXPIRED, "Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }
    }

    /**
     * A request that names two authorities is refused whichever one is signed: a signature pins one
     * of them, and whatever routes or logs by the other would trust a name no one signed. HTTP/2
     * servers should refuse such a request already (RFC 9113 §8.3.1); this does not depend on it.
     */
    private static void checkOneAuthority(SignableRequest request) throws SigV4Exception {
        List<String> hosts = request.headers().getOrDefault("host", List.of());
        List<String> authorities = request.headers().getOrDefault(AUTHORITY, List.of());
        if (hosts.size() > 1 || authorities.size() > 1) {
            throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "A request may carry at most one 'Host' header and one ':authority'.");
        }
        if (!hosts.isEmpty() && !authorities.isEmpty() && !hosts.getFirst().strip().equalsIgnoreCase(authorities.getFirst().strip())) {
            throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "The 'Host' header and the ':authority' of the request name different authorities.");
        }
    }

    static String stringToSign(String amzDate, CredentialScope scope, String canonicalRequest) {
        return SigV4Authorization.ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + SignableRequest.sha256Hex(canonicalRequest);
    }

    /**
     * {@code HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")}: four
     * HMACs that depend only on the secret and the scope, so each key is derived once per day and
     * region, as AWS recommends, and kept. The memory is bounded: a full cache starts over.
     */
    static byte[] signingKey(String secret, CredentialScope scope) {
        byte[] key = cachedSigningKey(secret, scope);
        if (key == null) {
            key = deriveSigningKey(secret, scope);
            keepSigningKey(secret, scope, key);
        }
        return key;
    }

    private static byte[] cachedSigningKey(String secret, CredentialScope scope) {
        return SIGNING_KEYS.get(scope + "\u0000" + secret);
    }

    private static void keepSigningKey(String secret, CredentialScope scope, byte[] key) {
        if (SIGNING_KEYS.size() >= MAX_SIGNING_KEYS) SIGNING_KEYS.clear();
        SIGNING_KEYS.put(scope + "\u0000" + secret, key);
    }

    /** How many derived signing keys are kept, for tests of the cache's bound. */
    static int keptSigningKeys() {
        return SIGNING_KEYS.size();
    }

    private static byte[] deriveSigningKey(String secret, CredentialScope scope) {
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), CredentialScope.DATE.format(scope.date()));
        key = hmac(key, scope.region());
        key = hmac(key, scope.service());
        return hmac(key, "aws4_request");
    }

    static String signature(String secret, CredentialScope scope, String amzDate, String canonicalRequest) {
        return signature(signingKey(secret, scope), scope, amzDate, canonicalRequest);
    }

    private static String signature(byte[] signingKey, CredentialScope scope, String amzDate, String canonicalRequest) {
        return HexFormat.of().formatHex(hmac(signingKey, stringToSign(amzDate, scope, canonicalRequest)));
    }

    private static Instant parseAmzDate(String amzDate) throws SigV4Exception {
        if (amzDate == null) throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "Authorization header requires existence of a 'X-Amz-Date' header.");
        try {
            return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "'X-Amz-Date' must be an ISO-8601 basic date-time such as 20150830T123600Z, got '" + amzDate + "'.");
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
