package dev.quarry.identity;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SignableRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;

/** Bedrock Converse calls signed by a key pair, as the server receives them. */
final class Signed {
    private Signed() {}

    /** @param sessionToken sent (and signed) as {@code X-Amz-Security-Token} when not {@code null}, as AWS SDKs do */
    static Credential converse(String accessKeyId, String secret, String sessionToken, Instant at) {
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Host", List.of("127.0.0.1:9000"));
        headers.put("Content-Type", List.of("application/json"));
        SigV4.sign(SignableRequest.of("POST", "/model/m/converse", "", headers, body), new AwsCredentials(accessKeyId, secret, sessionToken),
                "us-east-1", "bedrock", at).forEach((name, value) -> headers.put(name, List.of(value)));
        return new Credential.SigV4(SignableRequest.of("POST", "/model/m/converse", "", headers, body), "bedrock");
    }
}
