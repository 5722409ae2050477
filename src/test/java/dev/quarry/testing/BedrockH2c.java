package dev.quarry.testing;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SignableRequest;
import dev.quarry.identity.IssuedKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bedrock Runtime requests for {@link RawH2c}, signed as the AWS SDK for JavaScript v3 signs them
 * over HTTP/2: {@code :authority} among the signed headers, no {@code host}.
 */
public final class BedrockH2c {
    private BedrockH2c() {}

    /** {@code headers} plus what SigV4 adds for a POST of {@code body} to {@code path}, with {@code key}; the clock is the machine's, as Quarry's is. */
    public static Map<String, String> sign(IssuedKey key, String path, Map<String, String> headers, byte[] body) {
        var toSign = new LinkedHashMap<String, List<String>>();
        headers.forEach((name, value) -> toSign.put(name, List.of(value)));
        var result = new LinkedHashMap<>(headers);
        result.putAll(SigV4.sign(SignableRequest.of("POST", path, "", toSign, body), AwsCredentials.of(key.accessKeyId(), key.secretAccessKey()),
                "us-east-1", "bedrock", Instant.now()));
        return result;
    }

    /** A signed POST's header block: pseudo-headers first, then {@code host} if given, then the rest (lower-case, as HTTP/2 requires). */
    public static List<Map.Entry<String, String>> block(String path, String authority, String host, Map<String, String> headers) {
        List<Map.Entry<String, String>> block = new ArrayList<>(List.of(Map.entry(":method", "POST"), Map.entry(":scheme", "http"),
                Map.entry(":path", path), Map.entry(":authority", authority)));
        if (host != null) block.add(Map.entry("host", host));
        headers.forEach((name, value) -> {
            if (!name.startsWith(":")) block.add(Map.entry(name.toLowerCase(Locale.ROOT), value));
        });
        return block;
    }
}
