package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SignableRequest;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests whose HTTP framing is broken, written byte for byte on a socket: each is a 400 or 413
 * (in the surface's own error shape where Quarry reads the body, a bare one where the HTTP layer
 * refuses the head), never a 500, and the server closes the connection after it, since what
 * follows the broken part cannot be trusted to be the next request. A malformed upgrade to HTTP/2
 * is ignored.
 */
class HttpFramingTest {
    private static final String BODY = "{\"model\":\"quarry/echo\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static TestQuarry quarry;
    private static String key;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        key = quarry.newKey("framing");
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    static List<Arguments> brokenChunks() {
        List<Arguments> cases = new ArrayList<>();
        for (String path : List.of("/v1/chat/completions", "/v1/messages", "/model/quarry.echo/invoke")) {
            cases.add(Arguments.of(path, Integer.toHexString(BODY.length()) + ";ext=\"unterminated"));
            cases.add(Arguments.of(path, "zz"));
            cases.add(Arguments.of(path, "-1"));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} with chunk-size line {1}")
    @MethodSource("brokenChunks")
    void aBrokenChunkIsA400InTheSurfacesShapeAuditedAndTheConnectionIsClosed(String path, String sizeLine) throws Exception {
        String head = "POST " + path + " HTTP/1.1\r\nHost: quarry\r\nAuthorization: Bearer " + key + "\r\nx-api-key: " + key
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        String raw = head + sizeLine + "\r\n" + BODY + "\r\n0\r\n\r\n";
        Answer answer = exchange(raw);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.text()).containsIgnoringCase("connection: close").contains("chunked transfer coding is malformed");
        switch (path) {
            case "/v1/chat/completions" -> assertThat(answer.text()).contains("\"type\":\"invalid_request_error\"", "\"code\":\"invalid_request\"");
            case "/v1/messages" -> assertThat(answer.text()).contains("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\"");
            default -> assertThat(answer.text()).containsIgnoringCase("x-amzn-errortype: ValidationException");
        }
        assertThat(answer.closedByServer()).as("the server closed the connection").isTrue();
        assertThat(auditedError(answer.requestId())).isEqualTo("INVALID_REQUEST");
    }

    @ParameterizedTest(name = "chunk-size line {0}")
    @ValueSource(strings = {"7fffffff", "ffffffffff"})
    void aChunkDeclaredHugeIsRefusedBeforeItIsBuffered(String sizeLine) throws Exception {
        String raw = "POST /v1/chat/completions HTTP/1.1\r\nHost: quarry\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + sizeLine + "\r\n" + BODY;
        Answer answer = exchange(raw);
        // 2^31-1 passes the HTTP layer's ceiling; ten hex digits do not even make a chunk size.
        assertThat(answer.status()).as(answer.text()).isEqualTo(sizeLine.length() == 8 ? 413 : 400);
        assertThat(answer.text()).contains("\"type\":\"invalid_request_error\"");
        assertThat(answer.closedByServer()).as("answered without waiting for the chunk, then closed").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP2-Settings: !!!\r\n", "HTTP2-Settings: AAMAAABk\r\nHTTP2-Settings: AAMAAABk\r\n", "HTTP2-Settings: AAMA\r\n", ""})
    void anUpgradeToHttp2WithBadSettingsIsIgnoredNotA500(String settings) throws Exception {
        Answer answer = exchange("GET /healthz HTTP/1.1\r\nHost: q\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\n"
                + settings + "\r\n");
        assertThat(answer.text()).as(answer.text()).startsWith("HTTP/1.1 200").endsWith("{\"status\":\"ok\"}");
    }

    @Test
    void aWellFormedUpgradeToHttp2StillUpgrades() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + quarry.quarry().port() + "/healthz"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /v1/chat/completions HTTP/1.1\r\nHost: q\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
            "POST /v1/chat/completions HTTP/1.1\r\nHost: q\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}",
            "POST /v1/chat/completions HTTP/1.1\r\nHost: q\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "POST /v1/chat/completions HTTP/1.1\r\nHost: q\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}",
            "GET /v1/models/%zz HTTP/1.1\r\nHost: q\r\n\r\n",
            "GET /v1/models/%e HTTP/1.1\r\nHost: q\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: q\r\nX-Folded: a\r\n b\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: q\r\nBad Header: x\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: q\r\nX-Nul: a\u0000b\r\n\r\n",
            "G@T /v1/models HTTP/1.1\r\nHost: q\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: q\r\n\r\nG@T /healthz HTTP/1.1\r\nHost: q\r\n\r\n",
    })
    void aMalformedHeadIsA400AndTheConnectionIsClosed(String raw) throws Exception {
        Answer answer = exchange(raw);
        assertThat(answer.text()).as(answer.text()).doesNotContain(" 500 ").contains("HTTP/1.1 400 ");
        assertThat(answer.closedByServer()).as("the server closed the connection").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/v1/nowhere"})
    void connectionCloseFromTheClientClosesTheConnection(String path) throws Exception {
        Answer answer = exchange("GET " + path + " HTTP/1.1\r\nHost: q\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isBetween(200, 404);
        assertThat(answer.closedByServer()).as("the server closed the connection").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Content-Length: 0\r\n", "Transfer-Encoding: chunked\r\n"})
    void aSignedGetWithAnEmptyBodyIsServedWhateverItsFraming(String framing) throws Exception {
        IssuedKey pair = quarry.quarry().identities().createKey("signed-lister-" + framing.length(), PrincipalKind.USER);
        Map<String, String> signature = SigV4.sign(SignableRequest.of("GET", "/openai/v1/models", "", Map.of("host", List.of("quarry")),
                new byte[0]), AwsCredentials.of(pair.accessKeyId(), pair.secretAccessKey()), "us-east-1", "bedrock-mantle", Instant.now());
        StringBuilder raw = new StringBuilder("GET /openai/v1/models HTTP/1.1\r\nHost: quarry\r\nConnection: close\r\n").append(framing);
        signature.forEach((name, value) -> raw.append(name).append(": ").append(value).append("\r\n"));
        // A chunked body with nothing in it is its last chunk alone.
        raw.append("\r\n").append(framing.startsWith("Transfer-Encoding") ? "0\r\n\r\n" : "");

        Answer answer = exchange(raw.toString());
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).contains("\"object\":\"list\"");
    }

    /**
     * A client that waits for 100 Continue before sending a body of the wrong type is refused at
     * once, not asked for the body only for it to be refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n"})
    void aBodyOfTheWrongTypeAwaitingContinueIsA415Unread(String framing) throws Exception {
        Answer answer = exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: q\r\nConnection: close\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\n" + framing + "\r\n");
        assertThat(answer.status()).as(answer.text()).isEqualTo(415);
    }

    /** The error code the audit trail recorded for a request, waiting briefly: the trail is written in batches. */
    private static String auditedError(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            while (true) {
                String code = db.read(c -> {
                    try (var s = c.prepareStatement("SELECT error_code FROM audit_events WHERE request_id = ?")) {
                        s.setString(1, requestId);
                        try (ResultSet r = s.executeQuery()) {
                            return r.next() ? r.getString(1) : null;
                        }
                    }
                });
                if (code != null || System.nanoTime() > deadline) return code == null ? "(not audited)" : code;
                Thread.sleep(20);
            }
        }
    }

    /** What the server wrote back, and whether it then closed the connection (rather than waiting for more). */
    record Answer(String text, boolean closedByServer) {
        private static final Pattern REQUEST_ID = Pattern.compile("(?i)x-request-id: (\\S+)");

        int status() {
            return text.length() < 12 ? -1 : Integer.parseInt(text.substring(9, 12));
        }

        String requestId() {
            Matcher m = REQUEST_ID.matcher(text);
            return m.find() ? m.group(1) : "(none)";
        }
    }

    private static Answer exchange(String raw) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", quarry.quarry().port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) got.write(buffer, 0, n);
                return new Answer(got.toString(StandardCharsets.ISO_8859_1), true);
            } catch (SocketTimeoutException e) {
                return new Answer(got.toString(StandardCharsets.ISO_8859_1), false);
            }
        }
    }
}
