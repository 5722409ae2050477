package dev.quarry.provider.mantle;

import dev.quarry.aws.SigV4;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SigV4Exception;
import dev.quarry.aws.SignableRequest;
import dev.quarry.provider.openai.OpenAiStub;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The door of a stub bedrock-mantle endpoint: every request must carry either the expected Bedrock
 * API key as a bearer token, or a SigV4 signature for the service {@code bedrock-mantle} by one of
 * the known key pairs over the path, headers and exact body as they arrived. The signatures it let
 * through are kept, so tests can see which key signed, for which region, with which headers.
 */
final class MantleSignatures implements OpenAiStub.Gate {
    static final String SERVICE = "bedrock-mantle";

    private final Map<String, String> secretsByKeyId;
    private final String apiKey;
    private final List<SigV4Authorization> verified = new CopyOnWriteArrayList<>();

    /** @param apiKey the Bedrock API key accepted as a bearer token, or {@code null} for none */
    MantleSignatures(Map<String, String> secretsByKeyId, String apiKey) {
        this.secretsByKeyId = Map.copyOf(secretsByKeyId);
        this.apiKey = apiKey;
    }

    List<SigV4Authorization> verified() {
        return List.copyOf(verified);
    }

    @Override
    public Optional<OpenAiStub.Failure> check(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        SignableRequest request = SignableRequest.of(method, rawPath, rawQuery, headers, body);
        String authorization = request.header("Authorization");
        if (apiKey != null && ("Bearer " + apiKey).equals(authorization)) return Optional.empty();
        try {
            SigV4Authorization parsed = SigV4Authorization.parse(authorization);
            String secret = secretsByKeyId.get(parsed.accessKeyId());
            if (secret == null) return refuse("The security token included in the request is invalid.");
            SigV4.verify(request, parsed, secret, SERVICE, Instant.now());
            verified.add(parsed);
            return Optional.empty();
        } catch (SigV4Exception e) {
            return refuse(e.getMessage());
        }
    }

    private static Optional<OpenAiStub.Failure> refuse(String message) {
        return Optional.of(new OpenAiStub.Failure(403, "permission_error", "invalid_signature", message, null, null));
    }
}
