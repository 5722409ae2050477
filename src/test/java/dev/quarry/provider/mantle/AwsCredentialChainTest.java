package dev.quarry.provider.mantle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.openai.OpenAiStub;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider configured with no keys at all signs with what the AWS SDK's default chain finds: here
 * a container role, served by a stub of the ECS/EKS credentials endpoint named by the system property
 * {@code aws.containerCredentialsFullUri}, whose n-th answer is the key pair {@code ASIACHAIN<n>}; or
 * web identity, a token file exchanged for keys at a stub of STS's {@code AssumeRoleWithWebIdentity}.
 * The bedrock-mantle stub accepts every pair the endpoint hands out and tells which one signed.
 * The SDK's system properties are set for each test and put back after it; the machine's own AWS
 * profile files and instance metadata are kept out of the chain.
 */
class AwsCredentialChainTest {
    private static final List<String> SDK_PROPERTIES = List.of("aws.containerCredentialsFullUri", "aws.sharedCredentialsFile",
            "aws.configFile", "aws.ec2MetadataDisabled", "aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken",
            "aws.webIdentityTokenFile", "aws.roleArn", "aws.roleSessionName", "aws.region", "aws.endpointUrlSts", "aws.profile");
    private static final int KEY_PAIRS = 50;

    @TempDir
    Path home;
    private final Map<String, String> savedProperties = new HashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private Duration lifetime;
    private HttpServer credentialsEndpoint;
    private MantleSignatures signatures;
    private OpenAiStub mantle;

    @BeforeEach
    void isolateTheChain() throws IOException {
        for (String variable : List.of("AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
            assumeTrue(System.getenv(variable) == null, "the machine's own " + variable + " would come first in the chain");
        }
        for (String property : SDK_PROPERTIES) {
            savedProperties.put(property, System.getProperty(property));
            System.clearProperty(property);
        }
        System.setProperty("aws.sharedCredentialsFile", home.resolve("no-credentials").toString());
        System.setProperty("aws.configFile", home.resolve("no-config").toString());
        System.setProperty("aws.ec2MetadataDisabled", "true");

        credentialsEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        credentialsEndpoint.createContext("/credentials", exchange -> {
            int n = fetches.incrementAndGet();
            byte[] body = ("{\"AccessKeyId\":\"ASIACHAIN" + n + "\",\"SecretAccessKey\":\"chain-secret-" + n + "\",\"Token\":\"chain-token-" + n
                    + "\",\"Expiration\":\"" + Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        credentialsEndpoint.start();

        Map<String, String> secrets = new HashMap<>();
        IntStream.rangeClosed(1, KEY_PAIRS).forEach(n -> secrets.put("ASIACHAIN" + n, "chain-secret-" + n));
        signatures = new MantleSignatures(secrets, null);
        mantle = OpenAiStub.start(signatures);
    }

    @AfterEach
    void restore() {
        if (mantle != null) mantle.close();
        if (credentialsEndpoint != null) credentialsEndpoint.stop(0);
        savedProperties.forEach((property, value) -> {
            if (value == null) System.clearProperty(property);
            else System.setProperty(property, value);
        });
    }

    private void serveContainerCredentials() {
        System.setProperty("aws.containerCredentialsFullUri",
                "http://127.0.0.1:" + credentialsEndpoint.getAddress().getPort() + "/credentials");
    }

    private Provider keylessProvider() {
        return BedrockMantle.provider(BedrockMantleProviderTest.settings(mantle.baseUrl(), null, Map.of("region", "us-east-2")),
                Map.<String, String>of()::get);
    }

    private SigV4Authorization call(Provider provider) {
        mantle.then(OpenAiStub.answer(OpenAiStub.text("Hi.")));
        Fold.of(provider.stream(new ProviderCall(ChatRequest.of("m", List.of(Message.user("Hello."))), "openai.gpt-5.5", true)));
        return signatures.verified().getLast();
    }

    @Test
    void containerKeysAreFetchedOnceAndReusedWhileTheyAreFresh() {
        lifetime = Duration.ofHours(6);
        serveContainerCredentials();
        Provider provider = keylessProvider();
        assertThat(fetches).as("nothing is fetched at start-up").hasValue(0);

        List<SigV4Authorization> signed = IntStream.range(0, 5).mapToObj(i -> call(provider)).toList();

        assertThat(signed).extracting(SigV4Authorization::accessKeyId).containsOnly("ASIACHAIN1");
        assertThat(fetches).as("one fetch for five calls").hasValue(1);
        assertThat(mantle.lastRequest().header("X-Amz-Security-Token")).isEqualTo("chain-token-1");
    }

    @Test
    void keysAboutToExpireAreFetchedAgainAndTheNewOnesSignLaterCalls() throws InterruptedException {
        // Inside the SDK's renewal window from the start, yet not expired: the next calls renew them.
        lifetime = Duration.ofSeconds(75);
        serveContainerCredentials();
        Provider provider = keylessProvider();

        assertThat(call(provider).accessKeyId()).isEqualTo("ASIACHAIN1");
        String later = call(provider).accessKeyId();
        for (int attempt = 0; attempt < 20 && later.equals("ASIACHAIN1"); attempt++) {
            Thread.sleep(500);
            later = call(provider).accessKeyId();
        }

        assertThat(later).isNotEqualTo("ASIACHAIN1").startsWith("ASIACHAIN");
        assertThat(fetches.get()).isGreaterThanOrEqualTo(2);
        assertThat(mantle.lastRequest().header("X-Amz-Security-Token")).isEqualTo("chain-token-" + later.substring("ASIACHAIN".length()));
    }

    @Test
    void aWebIdentityTokenIsExchangedAtStsForKeysThatSignTheCall() throws IOException {
        List<String> exchanges = new CopyOnWriteArrayList<>();
        HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sts.createContext("/", exchange -> {
            exchanges.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = ("<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIACHAIN7</AccessKeyId>"
                    + "<SecretAccessKey>chain-secret-7</SecretAccessKey><SessionToken>chain-token-7</SessionToken>"
                    + "<Expiration>" + Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS) + "</Expiration>"
                    + "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/quarry/session</Arn>"
                    + "<AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult>"
                    + "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>"
                    + "</AssumeRoleWithWebIdentityResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        sts.start();
        try {
            Path token = Files.writeString(home.resolve("token"), "eyJ.web-identity.token");
            System.setProperty("aws.webIdentityTokenFile", token.toString());
            System.setProperty("aws.roleArn", "arn:aws:iam::123456789012:role/quarry");
            System.setProperty("aws.roleSessionName", "quarry");
            System.setProperty("aws.region", "us-east-2");
            System.setProperty("aws.endpointUrlSts", "http://127.0.0.1:" + sts.getAddress().getPort());

            SigV4Authorization signature = call(keylessProvider());

            assertThat(signature.accessKeyId()).isEqualTo("ASIACHAIN7");
            assertThat(mantle.lastRequest().header("X-Amz-Security-Token")).isEqualTo("chain-token-7");
            assertThat(exchanges).singleElement().asString().contains("Action=AssumeRoleWithWebIdentity")
                    .contains("WebIdentityToken=eyJ.web-identity.token");
        } finally {
            sts.stop(0);
        }
    }

    @Test
    void whenTheChainFindsNothingTheCallFailsNamingTheProviderAndWhatToSet() {
        Provider provider = keylessProvider();

        assertThatThrownBy(() -> call(provider)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
            assertThat(e.getMessage()).contains("'mantle'").contains("has no AWS credentials").contains("api_key_env")
                    .contains("AWS_ACCESS_KEY_ID");
        });
        assertThat(mantle.requests()).as("nothing unsigned was sent").isEmpty();
    }
}
