package dev.quarry.bench.jmh;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.AwsUri;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SigV4Exception;
import dev.quarry.aws.SignableRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * SigV4 verification of a Bedrock Converse call as the AWS SDK sends it (1 KB of JSON,
 * the SDK's usual headers, some unsigned). {@link #verifyReceivedCall} is what Quarry does per
 * request: hash the body into the signable request, parse the Authorization header, verify (four
 * HMACs for the signing key, one for the signature, a SHA-256 of the canonical request).
 * {@link #verifyOnly} leaves out the body hash and the header parse.
 */
public class SigV4Bench extends Microbenchmark {
    private static final AwsCredentials PAIR = AwsCredentials.of("QKIA7EXAMPLE2BENCH01", "bM8h2Qe+example/secret/Key0123456789abcdEF");
    private static final Instant SIGNED_AT = Instant.parse("2026-03-02T09:15:00Z");
    private static final Instant NOW = SIGNED_AT.plusSeconds(2);

    String path;
    byte[] body;
    Map<String, List<String>> receivedHeaders;
    SignableRequest received;
    SigV4Authorization authorization;

    @Setup
    public void setUp() throws SigV4Exception {
        path = "/model/" + AwsUri.encode("anthropic.claude-sonnet-4-5-20250929-v1:0") + "/converse";
        body = converseBody();
        var signed = new LinkedHashMap<String, List<String>>();
        signed.put("Host", List.of("quarry.internal:8080"));
        signed.put("Content-Type", List.of("application/json"));
        signed.put("Content-Length", List.of(Integer.toString(body.length)));
        signed.put("amz-sdk-invocation-id", List.of("6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"));
        signed.put("amz-sdk-request", List.of("attempt=1; max=3"));
        Map<String, String> added = SigV4.sign(SignableRequest.of("POST", path, "", signed, body), PAIR, "eu-west-1", "bedrock", SIGNED_AT);

        receivedHeaders = new LinkedHashMap<>(signed);
        added.forEach((name, value) -> receivedHeaders.put(name, List.of(value)));
        receivedHeaders.put("User-Agent", List.of("aws-sdk-java/2.54.14 md/io#sync md/http#Apache ua/2.1 os/Linux#6.8 lang/java#25 api/BedrockRuntime#2.54.14"));
        receivedHeaders.put("Accept", List.of("application/json"));
        receivedHeaders.put("Connection", List.of("keep-alive"));

        received = SignableRequest.of("POST", path, "", receivedHeaders, body);
        authorization = SigV4Authorization.parse(received.header(SigV4Authorization.HEADER));
        verifyReceivedCall(); // a benchmark of a refusal would measure the wrong path
    }

    @Benchmark
    public SigV4Authorization verifyReceivedCall() throws SigV4Exception {
        SignableRequest request = SignableRequest.of("POST", path, "", receivedHeaders, body);
        SigV4Authorization parsed = SigV4Authorization.parse(request.header(SigV4Authorization.HEADER));
        SigV4.verify(request, parsed, PAIR.secretAccessKey(), "bedrock", NOW);
        return parsed;
    }

    @Benchmark
    public SigV4Authorization verifyOnly() throws SigV4Exception {
        SigV4.verify(received, authorization, PAIR.secretAccessKey(), "bedrock", NOW);
        return authorization;
    }

    private static byte[] converseBody() {
        return """
            {"messages":[{"role":"user","content":[{"text":"Summarise the incident report below in three bullet points, then list the follow-up actions with owners."}]},\
            {"role":"assistant","content":[{"text":"Please paste the report."}]},\
            {"role":"user","content":[{"text":"At 09:12 UTC the ledger writer's queue grew past 10k records after the SQLite volume hit its IOPS limit. \
            Requests kept being served; usage rows landed up to 40 s late. At 09:31 the volume was resized and the queue drained by 09:34. \
            No records were lost. Owners: storage (Priya), metering (Jonas), on-call runbook (Mei)."}]}],\
            "system":[{"text":"You write crisp incident summaries for an engineering audience."}],\
            "inferenceConfig":{"maxTokens":1024,"temperature":0.3,"topP":0.9,"stopSequences":["\\n\\nHuman:"]},\
            "toolConfig":{"tools":[{"toolSpec":{"name":"create_ticket","description":"Opens a ticket in the tracker.",\
            "inputSchema":{"json":{"type":"object","properties":{"title":{"type":"string"},"owner":{"type":"string"}},"required":["title","owner"]}}}}]}}
            """.strip().getBytes(StandardCharsets.UTF_8);
    }
}
