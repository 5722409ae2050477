package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditVerifier;
import dev.quarry.audit.SigningKey;
import dev.quarry.metering.UsageQueries;
import dev.quarry.store.Database;
import dev.quarry.testing.RawHttp;
import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random hostile values — long, binary, NUL-laden, not UTF-8 — in every header and JSON field
 * that reaches the audit trail or the ledger, with a good key, a bad one and none, sent over a
 * raw socket. Afterwards the trail verifies, every audited call that got a request id is in it,
 * and every answered model call has its ledger row. The seed is printed; rerun a failure with
 * {@code -Dquarry.fuzz.seed=N}.
 */
class HostileInputFuzzTest {
    private static final int REQUESTS = 150;
    private static final int IN_FLIGHT = 8;
    private static final List<String> MODEL_ROUTES = List.of("/v1/chat/completions", "/v1/messages", "/v1/responses", "/v1/embeddings");

    /** One request as sent, and what came back. */
    private record Exchange(String path, boolean goodKey, RawHttp.Response response) {
        Optional<String> requestId() {
            return Optional.ofNullable(response.headers().get("x-request-id"));
        }

        boolean modelCall() {
            return MODEL_ROUTES.contains(path);
        }

        @Override
        public String toString() {
            String body = response.bodyText();
            return path + (goodKey ? " (good key) " : " ") + response.status() + " " + response.headers().get("x-request-id") + " "
                    + body.substring(0, Math.min(200, body.length()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void nothingSentStopsTheAuditTrailOrCostsALedgerRow(String target) throws Exception {
        long seed = Long.getLong("quarry.fuzz.seed", new SecureRandom().nextLong());
        System.out.println("HostileInputFuzzTest on " + target + ": seed " + seed + " (rerun with -Dquarry.fuzz.seed=" + seed + ")");
        TestQuarry quarry = TestQuarry.startOn(target);
        List<Exchange> exchanges;
        try {
            String key = quarry.newKey("fuzzed");
            Random random = new Random(seed);
            // All requests are drawn before any is sent, so the seed fixes them whatever the threads do.
            List<Hostile> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) requests.add(Hostile.draw(random, key));
            exchanges = sendAll(quarry.quarry().port(), requests);
        } finally {
            quarry.close();
        }
        String context = "seed " + seed + " on " + target;
        System.out.println("answers: " + exchanges.stream().collect(Collectors.groupingBy(
                e -> e.response().status() + (e.requestId().isPresent() ? "" : " (no request id: refused before any route)"),
                TreeMap::new, Collectors.counting())));

        assertThat(exchanges).as(context).filteredOn(e -> e.modelCall() && e.goodKey() && e.response().status() == 200).isNotEmpty();
        try (Database db = quarry.quarry().config().openStore()) {
            AuditVerifier.Report report = AuditVerifier.verify(db, SigningKey.publicKeyIn(quarry.dataDir()),
                    AuditAnchor.inDataDir(quarry.dataDir()), Instant.now(), Duration.ofMinutes(10));
            assertThat(report.problems()).as(context).isEmpty();

            assertThat(longestUserAgent(db)).as(context + ": what an anonymous client can make a row cost").isLessThanOrEqualTo(256);
            Set<String> audited = auditedRequestIds(db);
            List<Exchange> audit = exchanges.stream().filter(e -> e.requestId().isPresent() && (e.modelCall() || e.path().startsWith("/admin/")))
                    .toList();
            assertThat(audit).as(context + ": every model or admin call that got a request id and was not refused for its credentials is audited")
                    .filteredOn(e -> e.response().status() != 401)
                    .allSatisfy(e -> assertThat(audited).contains(e.requestId().get()));
            assertThat(authenticationFailuresAccounted(db)).as(context + ": failed authentications are each audited, or counted beyond a few a minute")
                    .isEqualTo(audit.stream().filter(e -> e.response().status() == 401).count());

            UsageQueries ledger = new UsageQueries(db);
            assertThat(exchanges).as(context + ": every answered model call has its ledger row")
                    .filteredOn(e -> e.modelCall() && e.response().status() == 200)
                    .allSatisfy(e -> assertThat(ledger.byRequestId(e.requestId().orElseThrow()))
                            .hasValueSatisfying(r -> assertThat(r.status()).isNotEqualTo("failed")));
        }
    }

    private static List<Exchange> sendAll(int port, List<Hostile> requests) throws Exception {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<Future<Exchange>> sent = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Hostile request : requests) {
                sent.add(threads.submit(() -> {
                    inFlight.acquire();
                    try {
                        return new Exchange(request.path(), request.goodKey(), RawHttp.send(port, request.head(), request.body()));
                    } finally {
                        inFlight.release();
                    }
                }));
            }
        }
        List<Exchange> exchanges = new ArrayList<>();
        for (Future<Exchange> exchange : sent) exchanges.add(exchange.get());
        return exchanges;
    }

    private static int longestUserAgent(Database db) {
        return db.read(c -> {
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(LENGTH(user_agent)) FROM audit_events")) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    /** Failed authentications recorded singly, plus those counted in summaries ({@code source/ADDRESS/further/COUNT}). */
    private static long authenticationFailuresAccounted(Database db) {
        return db.read(c -> {
            long accounted = 0;
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT action, resource FROM audit_events WHERE error_code = 'AUTHENTICATION'")) {
                while (r.next()) {
                    String resource = r.getString(2);
                    accounted += r.getString(1).equals("quarry:AuthenticationFailuresAggregated")
                            ? Long.parseLong(resource.substring(resource.lastIndexOf('/') + 1)) : 1;
                }
            }
            return accounted;
        });
    }

    private static Set<String> auditedRequestIds(Database db) {
        return db.read(c -> {
            Set<String> ids = new HashSet<>();
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT request_id FROM audit_events WHERE request_id IS NOT NULL")) {
                while (r.next()) ids.add(r.getString(1));
            }
            return ids;
        });
    }

    /** A request with hostile values drawn from a seeded random. */
    private record Hostile(String path, boolean goodKey, byte[] head, byte[] body) {

        static Hostile draw(Random random, String key) {
            boolean admin = random.nextInt(5) == 0;
            String path = admin ? (random.nextBoolean() ? "/admin/keys" : "/admin/principals/" + percentEncoded(value(random, 300)) + "/keys")
                    : MODEL_ROUTES.get(random.nextInt(MODEL_ROUTES.size()));
            int keyKind = random.nextInt(4) % 3; // half with the good key
            byte[] body = body(random, path);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            write(head, ascii("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length));
            byte[] credential = switch (keyKind) {
                case 0 -> ascii(key);
                case 1 -> headerValue(random);
                default -> null;
            };
            if (credential != null) {
                header(head, "Authorization", concat(ascii("Bearer "), credential));
                header(head, "x-api-key", credential);
            }
            for (String name : List.of("User-Agent", "X-Forwarded-For", "X-Request-Id", "X-Quarry-Session", "X-Quarry-Fallbacks",
                    "X-Quarry-Guardrail", "X-Quarry-Guardrail-Trace", "X-Amzn-Bedrock-GuardrailIdentifier", "X-Amzn-Bedrock-GuardrailVersion",
                    "anthropic-version", "OpenAI-Organization")) {
                if (name.equals("User-Agent") || random.nextInt(6) == 0) header(head, name, headerValue(random));
            }
            return new Hostile(path, keyKind == 0, head.toByteArray(), body);
        }

        private static byte[] body(Random random, String path) {
            if (random.nextInt(10) == 0) return value(random, 2000); // not even JSON
            String model = random.nextBoolean() ? "\"quarry/echo\"" : jsonString(random);
            String text = random.nextInt(3) == 0 ? jsonString(random) : "\"hello\"";
            String stream = random.nextBoolean() ? "true" : "false";
            String json = switch (path) {
                case "/v1/chat/completions" -> "{\"model\":" + model + ",\"stream\":" + stream + ",\"user\":" + jsonString(random)
                        + ",\"messages\":[{\"role\":\"user\",\"content\":" + text + "}]}";
                case "/v1/messages" -> "{\"model\":" + model + ",\"max_tokens\":16,\"stream\":" + stream + ",\"metadata\":{\"user_id\":"
                        + jsonString(random) + "},\"messages\":[{\"role\":\"user\",\"content\":" + text + "}]}";
                case "/v1/responses" -> "{\"model\":" + model + ",\"stream\":" + stream + ",\"input\":" + text + "}";
                case "/v1/embeddings" -> "{\"model\":" + (random.nextBoolean() ? "\"quarry/minilm\"" : model) + ",\"input\":" + text + "}";
                default -> "{\"name\":" + jsonString(random) + ",\"description\":" + jsonString(random) + "}";
            };
            // Every char is below 0x100 (see jsonString), so this is byte for byte what was drawn.
            return json.getBytes(StandardCharsets.ISO_8859_1);
        }

        /**
         * A JSON string literal holding hostile text: NUL, controls and lone surrogates as escapes,
         * or raw bytes (one char each, below 0x100) that are mostly not UTF-8.
         */
        private static String jsonString(Random random) {
            if (random.nextInt(4) == 0) {
                return "\"" + new String(value(random, 400), StandardCharsets.ISO_8859_1).replace("\"", "").replace("\\", "") + "\"";
            }
            StringBuilder json = new StringBuilder("\"");
            int length = lengthUpTo(random, 5000);
            for (int i = 0; i < length; i++) {
                char c = switch (random.nextInt(6)) {
                    case 0 -> '\0';
                    case 1 -> (char) (0xD800 + random.nextInt(0x800)); // half of a surrogate pair, alone
                    case 2 -> (char) random.nextInt(0x20);
                    case 3 -> (char) (0x80 + random.nextInt(0xFF80));
                    default -> (char) ('a' + random.nextInt(26));
                };
                json.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            }
            return json.append('"').toString();
        }

        /**
         * A header value: long ASCII, bytes that are not UTF-8 (which HTTP allows as obs-text),
         * a mix of both with tabs, or (less often, as the HTTP parser refuses most) NUL and controls.
         */
        private static byte[] headerValue(Random random) {
            int kind = random.nextInt(20);
            byte[] value = new byte[lengthUpTo(random, 12_000)];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) switch (kind < 7 ? 0 : kind < 13 ? 1 : kind < 17 ? 2 : 3) {
                    case 0 -> 0x21 + random.nextInt(0x5E);
                    case 1 -> 0x80 + random.nextInt(0x80);
                    case 2 -> random.nextInt(3) == 0 ? '\t' : random.nextBoolean() ? 0x20 + random.nextInt(0x5F) : 0x80 + random.nextInt(0x80);
                    default -> random.nextInt(0x100);
                };
                if (value[i] == '\r' || value[i] == '\n') value[i] = ' ';
            }
            return value;
        }

        private static byte[] value(Random random, int maxLength) {
            int length = lengthUpTo(random, maxLength);
            byte[] bytes = new byte[length];
            switch (random.nextInt(4)) {
                case 0 -> { for (int i = 0; i < length; i++) bytes[i] = (byte) ('A' + random.nextInt(26)); }
                case 1 -> random.nextBytes(bytes);
                case 2 -> { for (int i = 0; i < length; i++) bytes[i] = random.nextInt(3) == 0 ? 0 : (byte) ('a' + random.nextInt(26)); }
                default -> { for (int i = 0; i < length; i++) bytes[i] = (byte) (0x80 + random.nextInt(0x80)); }
            }
            return bytes;
        }

        /** Mostly short, sometimes very long. */
        private static int lengthUpTo(Random random, int max) {
            return random.nextInt(4) == 0 ? random.nextInt(max + 1) : random.nextInt(Math.min(max, 600) + 1);
        }

        private static String percentEncoded(byte[] bytes) {
            StringBuilder out = new StringBuilder();
            for (byte b : bytes) out.append(String.format("%%%02X", b & 0xFF));
            return out.toString();
        }

        private static void header(ByteArrayOutputStream head, String name, byte[] value) {
            write(head, ascii("\r\n" + name + ": "));
            write(head, value);
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = new byte[a.length + b.length];
            System.arraycopy(a, 0, out, 0, a.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }

        private static void write(ByteArrayOutputStream out, byte[] bytes) {
            out.write(bytes, 0, bytes.length);
        }
    }
}
