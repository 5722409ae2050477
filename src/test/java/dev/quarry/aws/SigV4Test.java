package dev.quarry.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class SigV4Test {
    // The credentials, scope and time of AWS's published SigV4 test suite.
    private static final AwsCredentials SUITE = AwsCredentials.of("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
    private static final String HOST = "example.amazonaws.com";
    private static final String STS_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/"
            + "qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz"
            + "+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    static Stream<Arguments> testSuite() {
        return Stream.of(
                vector("get-vanilla", "GET", "/", "", Map.of(), "", "host;x-amz-date",
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                vector("get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", Map.of(), "", "host;x-amz-date",
                        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
                vector("get-vanilla-query-unreserved", "GET", "/",
                        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        Map.of(), "", "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
                vector("get-vanilla-utf8-query", "GET", "/", "%E1%88%B4=bar", Map.of(), "", "host;x-amz-date",
                        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
                vector("get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", Map.of(), "",
                        "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
                vector("get-utf8", "GET", "/ሴ", "", Map.of(), "", "host;x-amz-date",
                        "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
                vector("get-header-value-trim", "GET", "/", "", Map.of("My-Header1", " value1", "My-Header2", " \"a   b   c\""), "",
                        "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
                vector("post-vanilla", "POST", "/", "", Map.of(), "", "host;x-amz-date",
                        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
                vector("post-vanilla-query", "POST", "/", "Param1=value1", Map.of(), "", "host;x-amz-date",
                        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
                vector("post-header-key-sort", "POST", "/", "", Map.of("My-Header1", "value1"), "", "host;my-header1;x-amz-date",
                        "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
                vector("post-header-value-case", "POST", "/", "", Map.of("My-Header1", "VALUE1"), "", "host;my-header1;x-amz-date",
                        "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
                vector("post-x-www-form-urlencoded", "POST", "/", "", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                        "Param1=value1", "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testSuite")
    void signsLikeTheAwsTestSuite(String name, SignableRequest request, String expectedAuthorization) {
        Map<String, String> added = SigV4.sign(request, SUITE, "us-east-1", "service", SUITE_TIME);

        assertThat(added).containsEntry("X-Amz-Date", "20150830T123600Z").containsEntry("Authorization", expectedAuthorization);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testSuite")
    void verifiesTheAwsTestSuite(String name, SignableRequest request, String authorization) {
        SignableRequest received = request.withHeader("X-Amz-Date", "20150830T123600Z");

        assertThatCode(() -> SigV4.verify(received, SigV4Authorization.parse(authorization), SUITE.secretAccessKey(), "service", SUITE_TIME))
                .doesNotThrowAnyException();
    }

    @Test
    void temporaryCredentialsSignTheirSessionTokenLikeTheSuite() {
        var request = SignableRequest.of("POST", "/", "", Map.of("Host", List.of(HOST)), new byte[0]);
        var withToken = new AwsCredentials(SUITE.accessKeyId(), SUITE.secretAccessKey(), STS_TOKEN);

        Map<String, String> added = SigV4.sign(request, withToken, "us-east-1", "service", SUITE_TIME);

        assertThat(added).containsEntry("X-Amz-Security-Token", STS_TOKEN).containsEntry("Authorization",
                authorization("host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"));
    }

    @Test
    void theCanonicalRequestAndStringToSignMatchTheSuite() {
        var request = SignableRequest.of("GET", "/", "", Map.of("Host", List.of(HOST), "X-Amz-Date", List.of("20150830T123600Z")), new byte[0]);
        String canonical = CanonicalRequest.of(request, List.of("host", "x-amz-date"));

        assertThat(canonical).isEqualTo("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(SigV4.stringToSign("20150830T123600Z", new CredentialScope(SUITE_TIME.atZone(ZoneOffset.UTC).toLocalDate(), "us-east-1", "service"), canonical))
                .isEqualTo("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                        + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    }

    @Test
    void aModelIdIsEncodedOnTheWireAndAgainInTheCanonicalUri() {
        String wirePath = "/model/" + AwsUri.encode("anthropic.claude-sonnet-4-5-20250929-v1:0") + "/converse";

        assertThat(wirePath).isEqualTo("/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse");
        assertThat(CanonicalRequest.uri(wirePath)).isEqualTo("/model/anthropic.claude-sonnet-4-5-20250929-v1%253A0/converse");
        assertThat(AwsUri.decode("anthropic.claude-sonnet-4-5-20250929-v1%3A0")).isEqualTo("anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(AwsUri.encode("arn:aws:bedrock:us-east-1::foundation-model/x")).isEqualTo("arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fx");
    }

    @Test
    void dotSegmentsAreRemovedFromTheCanonicalUri() {
        assertThat(CanonicalRequest.uri("/a/./b/../c")).isEqualTo("/a/c");
        assertThat(CanonicalRequest.uri("/a/b/..")).isEqualTo("/a/");
        assertThat(CanonicalRequest.uri("")).isEqualTo("/");
    }

    /** The AWS SDK for Java v2 signer, as the Bedrock Runtime client configures it, and ours agree in both directions. */
    @Test
    void weAgreeWithTheAwsSdkSignerOnABedrockRequest() throws SigV4Exception {
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse("2025-06-01T08:30:00Z");
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse"))
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        SdkHttpRequest sdkSigned = signedBySdk(unsigned, body, now);

        var received = SignableRequest.of("POST", sdkSigned.encodedPath(), "", sdkSigned.headers(), body);
        SigV4Authorization authorization = SigV4Authorization.parse(received.header("Authorization"));
        SigV4.verify(received, authorization, "secret/Example+Key", "bedrock", now.plusSeconds(30));
        assertThat(authorization.scope().region()).isEqualTo("eu-west-1");

        var toSign = new LinkedHashMap<String, List<String>>(sdkSigned.headers());
        toSign.keySet().removeIf(name -> name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("X-Amz-Date"));
        Map<String, String> ours = SigV4.sign(SignableRequest.of("POST", sdkSigned.encodedPath(), "", toSign, body),
                AwsCredentials.of("QKIAEXAMPLE", "secret/Example+Key"), "eu-west-1", "bedrock", now);
        assertThat(ours.get("Authorization")).isEqualTo(received.header("Authorization"));
    }

    @Test
    void signThenVerifyAcceptsWithinTheSkewAndRefusesOutsideIt() {
        SignableRequest received = signedBedrockCall("{}", SUITE_TIME);
        var authorization = parse(received);

        assertThatCode(() -> SigV4.verify(received, authorization, SUITE.secretAccessKey(), "bedrock", SUITE_TIME.plus(Duration.ofMinutes(4))))
                .doesNotThrowAnyException();
        assertProblem(() -> SigV4.verify(received, authorization, SUITE.secretAccessKey(), "bedrock", SUITE_TIME.plus(Duration.ofMinutes(10))),
                SigV4Exception.Problem.EXPIRED, "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)");
        assertProblem(() -> SigV4.verify(received, authorization, SUITE.secretAccessKey(), "bedrock", SUITE_TIME.minus(Duration.ofMinutes(10))),
                SigV4Exception.Problem.EXPIRED, "Signature not yet current");
    }

    @Test
    void aWrongSecretIsAMismatch() {
        SignableRequest received = signedBedrockCall("{}", SUITE_TIME);

        assertProblem(() -> SigV4.verify(received, parse(received), "not-the-secret", "bedrock", SUITE_TIME),
                SigV4Exception.Problem.MISMATCH, "does not match");
    }

    @Test
    void aTamperedBodyIsAMismatch() {
        SignableRequest signed = signedBedrockCall("{\"maxTokens\":10}", SUITE_TIME);
        var tampered = SignableRequest.of(signed.method(), signed.path(), signed.query(), signed.headers(),
                "{\"maxTokens\":99999}".getBytes(StandardCharsets.UTF_8));

        assertProblem(() -> SigV4.verify(tampered, parse(signed), SUITE.secretAccessKey(), "bedrock", SUITE_TIME),
                SigV4Exception.Problem.MISMATCH, "does not match");
    }

    @Test
    void aTamperedPathIsAMismatch() {
        SignableRequest signed = signedBedrockCall("{}", SUITE_TIME);
        var elsewhere = new SignableRequest(signed.method(), "/model/other/converse", "", signed.headers(), signed.payloadHash());

        assertProblem(() -> SigV4.verify(elsewhere, parse(signed), SUITE.secretAccessKey(), "bedrock", SUITE_TIME),
                SigV4Exception.Problem.MISMATCH, "does not match");
    }

    @Test
    void aSignatureForAnotherServiceIsRefused() {
        SignableRequest received = signedBedrockCall("{}", SUITE_TIME);

        assertProblem(() -> SigV4.verify(received, parse(received), SUITE.secretAccessKey(), "s3", SUITE_TIME),
                SigV4Exception.Problem.WRONG_SCOPE, "scoped to correct service: 's3'");
    }

    /** The signed region is the {@code quarry:RequestedRegion} condition key: a made-up one must not reach a policy. */
    @Test
    void aSignatureScopedToARegionThatDoesNotExistIsRefused() {
        SignableRequest received = signedBedrockCall("{}", SUITE_TIME, "eu-anything-i-like");

        assertProblem(() -> SigV4.verify(received, parse(received), SUITE.secretAccessKey(), "bedrock", SUITE_TIME),
                SigV4Exception.Problem.WRONG_SCOPE, "Credential should be scoped to a valid region.");
    }

    @Test
    void signaturesThatDoNotVerifyLeaveNoSigningKeyBehind() {
        List<SignableRequest> received = new ArrayList<>();
        for (int day = 0; day < 200; day++) received.add(signedBedrockCall("{}", SUITE_TIME.plus(Duration.ofDays(day))));
        int before = SigV4.keptSigningKeys();

        for (SignableRequest request : received) {
            assertProblem(() -> SigV4.verify(request, parse(request), "not-the-secret", "bedrock", SUITE_TIME),
                    SigV4Exception.Problem.MISMATCH, "does not match");
        }

        assertThat(SigV4.keptSigningKeys()).isEqualTo(before);
    }

    @Test
    void aRequestMustSignItsHostAndDate() throws SigV4Exception {
        SignableRequest received = signedBedrockCall("{}", SUITE_TIME);
        SigV4Authorization full = parse(received);
        var withoutHost = new SigV4Authorization(full.accessKeyId(), full.scope(), List.of("x-amz-date"), full.signature());

        assertProblem(() -> SigV4.verify(received, withoutHost, SUITE.secretAccessKey(), "bedrock", SUITE_TIME),
                SigV4Exception.Problem.INCOMPLETE, "'Host' or ':authority' must be a 'SignedHeader'");
    }

    /** HTTP/2 clients sign {@code :authority}: lower-case name, value trimmed, sorted before letters as ':' is. */
    @Test
    void theAuthorityPseudoHeaderIsCanonicalisedLikeAnyHeader() {
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put(":Authority", List.of("  127.0.0.1:8080 "));
        headers.put("Content-Type", List.of("application/json"));
        headers.put("X-Amz-Date", List.of("20150830T123600Z"));
        var request = SignableRequest.of("POST", "/model/quarry%2Fecho/converse", "", headers, "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(CanonicalRequest.of(request, List.of(":authority", "content-type", "x-amz-date"))).isEqualTo("""
                POST
                /model/quarry%252Fecho/converse

                :authority:127.0.0.1:8080
                content-type:application/json
                x-amz-date:20150830T123600Z

                :authority;content-type;x-amz-date
                44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a""");
    }

    @Test
    void aSignatureOverTheAuthorityAloneVerifies() throws SigV4Exception {
        SignableRequest received = signedHttp2Call("127.0.0.1:8080");

        assertThat(parse(received).signedHeaders()).containsExactly(":authority", "content-type", "x-amz-date");
        SigV4.verify(received, parse(received), SUITE.secretAccessKey(), "bedrock", SUITE_TIME);
    }

    @Test
    void anAuthoritySignatureReplayedAtAnotherAuthorityIsAMismatch() {
        SignableRequest signed = signedHttp2Call("127.0.0.1:8080");
        var headers = new LinkedHashMap<>(signed.headers());
        headers.put(":authority", List.of("quarry.internal:8080"));
        var replayed = new SignableRequest(signed.method(), signed.path(), signed.query(), headers, signed.payloadHash());

        assertProblem(() -> SigV4.verify(replayed, parse(signed), SUITE.secretAccessKey(), "bedrock", SUITE_TIME),
                SigV4Exception.Problem.MISMATCH, "does not match");
    }

    /** Whichever of the two is signed, a request naming two authorities is refused before its signature is checked. */
    @Test
    void aHostAndAnAuthorityThatDisagreeAreRefused() {
        SignableRequest byHost = signedBedrockCall("{}", SUITE_TIME);
        var withAuthority = new LinkedHashMap<>(byHost.headers());
        withAuthority.put(":authority", List.of("elsewhere:8080"));
        SignableRequest hostSigned = new SignableRequest("POST", byHost.path(), "", withAuthority, byHost.payloadHash());

        SignableRequest byAuthority = signedHttp2Call("127.0.0.1:8080");
        var withHost = new LinkedHashMap<>(byAuthority.headers());
        withHost.put("host", List.of("elsewhere:8080"));
        SignableRequest authoritySigned = new SignableRequest("POST", byAuthority.path(), "", withHost, byAuthority.payloadHash());

        for (SignableRequest received : List.of(hostSigned, authoritySigned)) {
            assertProblem(() -> SigV4.verify(received, parse(received), SUITE.secretAccessKey(), "bedrock", SUITE_TIME),
                    SigV4Exception.Problem.INCOMPLETE, "The 'Host' header and the ':authority' of the request name different authorities.");
        }
    }

    /** The AWS SDK for Java v2 signer signs whatever headers it is given, {@code :authority} too: ours must agree with it. */
    @Test
    void weAgreeWithTheAwsSdkSignerOnASignedAuthority() throws SigV4Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse("2025-06-01T08:30:00Z");
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:8080/model/quarry%2Fecho/converse"))
                .putHeader(":authority", "127.0.0.1:8080")
                .putHeader("Content-Type", "application/json")
                .build();
        SdkHttpRequest sdkSigned = signedBySdk(unsigned, body, now);

        var received = SignableRequest.of("POST", sdkSigned.encodedPath(), "", sdkSigned.headers(), body);
        SigV4Authorization authorization = SigV4Authorization.parse(received.header("Authorization"));
        assertThat(authorization.signedHeaders()).contains(":authority");
        SigV4.verify(received, authorization, "secret/Example+Key", "bedrock", now.plusSeconds(30));
    }

    @Test
    void aHostAndAnAuthorityThatAgreeMayBothBeSigned() throws SigV4Exception {
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Host", List.of("127.0.0.1:8080"));
        headers.put(":authority", List.of("127.0.0.1:8080"));
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SigV4.sign(SignableRequest.of("POST", "/model/quarry%2Fecho/converse", "", headers, body), SUITE, "us-west-2", "bedrock", SUITE_TIME)
                .forEach((name, value) -> headers.put(name, List.of(value)));
        SignableRequest received = SignableRequest.of("POST", "/model/quarry%2Fecho/converse", "", headers, body);

        assertThat(parse(received).signedHeaders()).containsExactly(":authority", "host", "x-amz-date");
        SigV4.verify(received, parse(received), SUITE.secretAccessKey(), "bedrock", SUITE_TIME);
    }

    @Test
    void malformedAuthorizationHeadersAreIncomplete() {
        for (String header : List.of(
                "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date",
                "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/bedrock, SignedHeaders=host, Signature=" + "a".repeat(64),
                "AWS4-HMAC-SHA256 Credential=AKID/2015-08-30/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=" + "a".repeat(64),
                "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=x-amz-date;host, Signature=" + "a".repeat(64),
                "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=xyz",
                "Bearer qk-abc")) {
            assertProblem(() -> SigV4Authorization.parse(header), SigV4Exception.Problem.INCOMPLETE, "");
        }
    }

    @Test
    void anAuthorizationHeaderRoundTrips() throws SigV4Exception {
        String header = authorization("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

        assertThat(SigV4Authorization.parse(header).header()).isEqualTo(header);
    }

    private static Arguments vector(String name, String method, String path, String query, Map<String, String> extraHeaders, String body,
                                    String signedHeaders, String signature) {
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Host", List.of(HOST));
        extraHeaders.forEach((k, v) -> headers.put(k, List.of(v)));
        var request = SignableRequest.of(method, path, query, headers, body.getBytes(StandardCharsets.UTF_8));
        return Arguments.of(name, request, authorization(signedHeaders, signature));
    }

    private static String authorization(String signedHeaders, String signature) {
        return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=" + signedHeaders
                + ", Signature=" + signature;
    }

    /** A Converse call as received: its headers plus the ones signing added. */
    private static SignableRequest signedBedrockCall(String body, Instant at) {
        return signedBedrockCall(body, at, "us-west-2");
    }

    private static SignableRequest signedBedrockCall(String body, Instant at, String region) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Host", List.of("127.0.0.1:8080"));
        headers.put("Content-Type", List.of("application/json"));
        String path = "/model/" + AwsUri.encode("anthropic.claude-sonnet-4-5-20250929-v1:0") + "/converse";
        SigV4.sign(SignableRequest.of("POST", path, "", headers, bytes), SUITE, region, "bedrock", at)
                .forEach((name, value) -> headers.put(name, List.of(value)));
        return SignableRequest.of("POST", path, "", headers, bytes);
    }

    /** A Converse call as an HTTP/2 client signs it: {@code :authority}, no {@code host}. */
    private static SignableRequest signedHttp2Call(String authority) {
        byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put(":authority", List.of(authority));
        headers.put("Content-Type", List.of("application/json"));
        String path = "/model/quarry%2Fecho/converse";
        SigV4.sign(SignableRequest.of("POST", path, "", headers, bytes), SUITE, "us-west-2", "bedrock", SUITE_TIME)
                .forEach((name, value) -> headers.put(name, List.of(value)));
        return SignableRequest.of("POST", path, "", headers, bytes);
    }

    private static SigV4Authorization parse(SignableRequest received) {
        try {
            return SigV4Authorization.parse(received.header("Authorization"));
        } catch (SigV4Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertProblem(ThrowingCallable call, SigV4Exception.Problem problem, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SigV4Exception.class, e -> assertThat(e.problem()).isEqualTo(problem))
                .hasMessageContaining(message);
    }

    /** The request as the AWS SDK for Java v2 signs it for Bedrock in eu-west-1 at {@code now}. */
    private static SdkHttpRequest signedBySdk(SdkHttpRequest unsigned, byte[] body, Instant now) {
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create("QKIAEXAMPLE", "secret/Example+Key"))
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC))).request();
    }
}
