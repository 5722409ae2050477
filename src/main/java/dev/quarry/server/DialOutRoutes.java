package dev.quarry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.environment.DialInRegistry;
import dev.quarry.agents.environment.DialInSocket;
import dev.quarry.agents.environment.TextSocket;
import dev.quarry.agents.service.DialOutGate;
import dev.quarry.agents.store.DialOutStore;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditLog;
import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Credential;
import dev.quarry.policy.Actions;
import dev.quarry.surface.WireReply;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Where executors dialing out to Quarry connect ({@code codex exec-server --remote <quarry>/v1
 * --environment-id <id> --remote-transport direct --aws-sigv4 …}; 0.169.0's wire is recorded in
 * {@code src/test/resources/execserver/direct-0.169.0.txt}). The executor registers with
 * {@code POST /v1/cloud/environment/{id}/direct/register {"transport":"direct_jsonrpc_v1"}} and is
 * told a WebSocket URL on this node, which it opens (and opens again whenever it closes). Both
 * requests are SigV4-signed with the environment's own credential ({@link DialOutGate}); another
 * environment's credential is refused 403 and audited. On the socket Quarry is the JSON-RPC client,
 * as when it dials: the socket waits in the node's {@link DialInRegistry} for a run of the
 * environment's session, and the node records that it holds it, so only it claims that session's turns.
 */
final class DialOutRoutes implements HttpService {
    private static final Logger LOG = Logger.getLogger(DialOutRoutes.class.getName());
    static final String PREFIX = "/v1/cloud/environment";
    static final String TRANSPORT = "direct_jsonrpc_v1";
    private static final String SOCKET_PATH = PREFIX + "/{id}/direct/{registration}";
    private static final long MAX_BODY = 4096;
    private static final Duration INITIALIZE_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who this node is, for the link it records while it holds a socket, and how long a link lasts unrenewed. */
    record Node(String name, Supplier<String> boot, Duration lease) {}

    private final DialOutGate gate;
    private final DialOutStore store;
    private final DialInRegistry registry;
    private final Node node;
    private final AuditLog audit;
    private final BiFunction<SocketAddress, Runnable, Runnable> holdConnection;
    private final Supplier<String> publicUrl;
    private final Clock clock;

    /**
     * @param holdConnection keeps an upgraded connection from being closed as idle, until the returned hook runs, and
     *                       runs the given one when it finds the connection gone
     * @param publicUrl      where executors reach this node ({@code http://host:port}, no trailing slash)
     */
    DialOutRoutes(DialOutGate gate, DialOutStore store, DialInRegistry registry, Node node, AuditLog audit,
                  BiFunction<SocketAddress, Runnable, Runnable> holdConnection, Supplier<String> publicUrl, Clock clock) {
        this.gate = gate;
        this.store = store;
        this.registry = registry;
        this.node = node;
        this.audit = audit;
        this.holdConnection = holdConnection;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(PREFIX + "/{id}/direct/register", this::register)
                // A request for the socket that is no WebSocket upgrade: refused as the upgrade would be, or told to upgrade.
                .get(SOCKET_PATH, this::notUpgraded);
    }

    /**
     * The WebSocket protocol's settings: a frame as large as a message JSON-RPC takes (Helidon's
     * default of 1 MiB is less than a 1 MiB file read_file reads, in base64).
     */
    static WsConfig protocol() {
        return WsConfig.builder().maxFrameLength(DialInSocket.MAX_MESSAGE_CHARS).build();
    }

    /** The WebSocket route, one listener per connection. */
    WsRouting.Builder sockets() {
        return WsRouting.builder().endpoint(SOCKET_PATH, (Supplier<WsListener>) ExecutorSocket::new);
    }

    private void register(ServerRequest req, ServerResponse res) {
        String environmentId = req.path().pathParameters().get("id");
        try {
            byte[] body = HttpIo.readJsonBody(req, MAX_BODY);
            admit(environmentId, signable(req, body), HttpIo.clientAddress(req), HttpIo.userAgent(req));
            String transport = transport(body);
            if (!TRANSPORT.equals(transport)) {
                throw QuarryException.invalid("transport", "This Quarry serves the transport '" + TRANSPORT + "' only (--remote-transport direct).");
            }
            // Not kept: the socket is admitted by its own signature, for the environment its path names.
            String registration = "dreg_" + HexFormat.of().formatHex(bytes(12));
            String base = publicUrl.get();
            String socketUrl = (base.startsWith("https://") ? "wss://" + base.substring(8) : "ws://" + base.substring(base.indexOf("://") + 3))
                    + PREFIX + "/" + environmentId + "/direct/" + registration;
            ObjectNode answer = JSON.createObjectNode().put("environment_id", environmentId).put("transport", TRANSPORT)
                    .put("registration_id", registration).put("url", socketUrl);
            HttpIo.send(res, WireReply.json(200, JSON.writeValueAsBytes(answer)));
        } catch (QuarryException e) {
            HttpIo.send(res, SurfaceErrors.reply(req, e.error()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void notUpgraded(ServerRequest req, ServerResponse res) {
        try {
            admit(req.path().pathParameters().get("id"), signable(req, new byte[0]), HttpIo.clientAddress(req), HttpIo.userAgent(req));
            HttpIo.send(res, SurfaceErrors.withStatus(req, 400, "This is an executor's WebSocket: send a WebSocket upgrade."));
        } catch (QuarryException e) {
            HttpIo.send(res, SurfaceErrors.reply(req, e.error()));
        }
    }

    /** The environment the request is signed for; 403 otherwise, audited when another environment's credential was used. */
    private DialOutStore.DialOutEnvironment admit(String environmentId, SignableRequest request, String sourceIp, String userAgent) {
        try {
            return gate.admit(environmentId, request, clock.instant());
        } catch (DialOutGate.Refused e) {
            if (e.credentialEnvironment() != null) auditCrossEnvironment(e, environmentId, sourceIp, userAgent);
            throw new QuarryException(new QuarryError(ErrorKind.PERMISSION_DENIED, e.getMessage(), null, null));
        }
    }

    /** A valid credential of one environment used for another: refused, and recorded as the credential's attempt. */
    private void auditCrossEnvironment(DialOutGate.Refused e, String environmentId, String sourceIp, String userAgent) {
        audit.record(new AuditEvent(UUID.randomUUID().toString(), clock.instant(), null, "agent-environment/" + e.credentialEnvironment(),
                sourceIp, userAgent, Actions.CONNECT_AGENT_ENVIRONMENT, "agent-environment/" + environmentId, "deny", null, null,
                ErrorKind.PERMISSION_DENIED.name()));
    }

    /** The request as SigV4 covers it; for an unsigned one, a request without headers, which the gate refuses as unsigned. */
    private static SignableRequest signable(ServerRequest req, byte[] body) {
        if (BedrockRoutes.credential(req, () -> body, "quarry") instanceof Credential.SigV4 sigV4) return sigV4.request();
        return SignableRequest.of(req.prologue().method().text(), req.path().rawPath(), req.query().rawValue(), Map.of(), new byte[0]);
    }

    private static String transport(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : JSON.readTree(body);
            return node != null && node.path("transport").isTextual() ? node.get("transport").asText() : null;
        } catch (IOException e) {
            throw QuarryException.invalid("transport", "The body must be JSON: {\"transport\": \"" + TRANSPORT + "\"}.");
        }
    }

    private static byte[] bytes(int n) {
        byte[] out = new byte[n];
        RANDOM.nextBytes(out);
        return out;
    }

    /** One executor's WebSocket: admitted at the upgrade, then handed to the registry. */
    private final class ExecutorSocket implements WsListener {
        private volatile DialOutStore.DialOutEnvironment environment;
        private volatile DialInSocket socket;

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
            String path = prologue.uriPath().rawPath();
            String[] parts = path.substring(PREFIX.length() + 1).split("/");
            Map<String, List<String>> signedHeaders = new LinkedHashMap<>();
            for (Header header : headers) signedHeaders.put(header.name(), header.allValues());
            try {
                environment = gate.admit(parts[0], SignableRequest.of(prologue.method().text(), path, prologue.query().rawValue(), signedHeaders,
                        new byte[0]), clock.instant());
            } catch (DialOutGate.Refused e) {
                // Helidon answers a WsUpgradeException with an empty 400: a RequestException carries the 403 and why.
                if (e.credentialEnvironment() != null) auditCrossEnvironment(e, parts[0], null, headers.first(HeaderNames.USER_AGENT).orElse(null));
                throw RequestException.builder().type(DirectHandler.EventType.FORBIDDEN).status(Status.FORBIDDEN_403).message(e.getMessage())
                        .safeMessage(true).setKeepAlive(false).build();
            }
            return Optional.empty();
        }

        @Override
        public void onOpen(WsSession session) {
            String environmentId = environment.environmentId();
            DialInSocket opened = new DialInSocket("environment " + environmentId, new ServerTextSocket(session), INITIALIZE_TIMEOUT);
            Runnable release = holdConnection.apply(session.socketContext().remotePeer().address(),
                    () -> opened.failed("its connection closed"));
            socket = opened;
            registry.offer(environmentId, opened);
            long now = clock.millis();
            store.link(environmentId, node.name(), node.boot().get(), now, now + node.lease().toMillis());
            LOG.info(() -> "environment " + environmentId + ": its executor connected");
            opened.whenClosed(() -> {
                release.run();
                registry.remove(environmentId, opened);
                if (!registry.holds(environmentId)) store.unlink(environmentId, node.name(), node.boot().get(), clock.millis());
                LOG.info(() -> "environment " + environmentId + ": its executor's socket closed");
            });
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            socket.received(text, last);
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            socket.failed("it sent a binary frame (the protocol is JSON text frames)");
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            DialInSocket closed = socket;
            if (closed != null) closed.closed(status, reason);
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            DialInSocket failed = socket;
            if (failed != null) failed.failed("the connection failed (" + t.getClass().getSimpleName() + ")");
        }
    }

    /** Helidon's server-side socket as the {@link TextSocket} JSON-RPC runs over. */
    private record ServerTextSocket(WsSession session) implements TextSocket {
        @Override
        public void send(String text, Duration timeout) throws IOException {
            // Helidon writes on the caller's thread, blocking: the timeout is the connection's own.
            try {
                session.send(text, true);
            } catch (UncheckedIOException e) {
                throw new IOException("the socket is closed", e);
            } catch (RuntimeException e) {
                throw new IOException(e.getClass().getSimpleName(), e);
            }
        }

        @Override
        public void close() {
            try {
                session.close(1000, "");
            } catch (RuntimeException e) {
                LOG.fine(() -> "closing an executor's socket: " + e.getClass().getSimpleName());
            }
            abort();
        }

        @Override
        public void abort() {
            try {
                session.terminate();
            } catch (RuntimeException e) {
                LOG.fine(() -> "ending an executor's socket: " + e.getClass().getSimpleName());
            }
        }
    }
}
