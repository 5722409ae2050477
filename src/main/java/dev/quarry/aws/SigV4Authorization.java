package dev.quarry.aws;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code Authorization} header of a SigV4-signed request:
 * {@code AWS4-HMAC-SHA256 Credential=AKID/SCOPE, SignedHeaders=a;b, Signature=HEX}.
 */
public record SigV4Authorization(String accessKeyId, CredentialScope scope, List<String> signedHeaders, String signature) {
    public static final String HEADER = "Authorization";
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";

    public SigV4Authorization {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(scope, "scope");
        signedHeaders = List.copyOf(signedHeaders);
        Objects.requireNonNull(signature, "signature");
    }

    /** Whether a header value claims to be SigV4 (as opposed to a bearer token or nothing). */
    public static boolean claimedBy(String authorization) {
        return authorization != null && authorization.startsWith(ALGORITHM + " ");
    }

    public static SigV4Authorization parse(String authorization) throws SigV4Exception {
        if (!claimedBy(authorization)) {
            throw incomplete("Authorization header requires the " + ALGORITHM + " algorithm.");
        }
        Map<String, String> parts = new HashMap<>();
        for (String part : authorization.substring(ALGORITHM.length() + 1).split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2 || parts.putIfAbsent(kv[0], kv[1]) != null) {
                throw incomplete("Authorization header has a malformed or repeated part: '" + part.strip() + "'.");
            }
        }
        String credential = required(parts, "Credential");
        String signedHeaders = required(parts, "SignedHeaders");
        String signature = required(parts, "Signature");

        int slash = credential.indexOf('/');
        if (slash <= 0) throw incomplete("Authorization header's Credential must be 'ACCESS_KEY_ID/DATE/REGION/SERVICE/aws4_request'.");
        if (!signature.matches("[0-9a-f]{64}")) throw incomplete("Authorization header's Signature must be 64 lower-case hex digits.");
        List<String> names = Arrays.asList(signedHeaders.split(";"));
        if (names.stream().anyMatch(String::isEmpty) || !names.equals(names.stream().sorted().distinct().toList())
                || !signedHeaders.equals(signedHeaders.toLowerCase(Locale.ROOT))) {
            throw incomplete("Authorization header's SignedHeaders must be sorted, distinct, lower-case names separated by ';'.");
        }
        return new SigV4Authorization(credential.substring(0, slash), CredentialScope.parse(credential.substring(slash + 1)), names, signature);
    }

    public String header() {
        return ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders=" + String.join(";", signedHeaders)
                + ", Signature=" + signature;
    }

    private static String required(Map<String, String> parts, String name) throws SigV4Exception {
        String value = parts.get(name);
        if (value == null || value.isEmpty()) throw incomplete("Authorization header requires '" + name + "' parameter.");
        return value;
    }

    private static SigV4Exception incomplete(String message) {
        return new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, message);
    }
}
