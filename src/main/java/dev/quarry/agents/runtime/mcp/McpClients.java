package dev.quarry.agents.runtime.mcp;

import dev.quarry.agents.model.AgentTool;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens connections to MCP servers over streamable HTTP; one per node, closed with it (closing
 * every connection still open).
 */
public final class McpClients implements AutoCloseable {
    /** Headers the transport sets itself: a spec's header must not stand in for them. */
    private static final Set<String> TRANSPORT_HEADERS = Set.of("accept", "content-type", "cache-control", "mcp-session-id",
            "mcp-protocol-version", "last-event-id", "authorization");

    private final McpSettings settings;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private final Set<SdkConnection> open = ConcurrentHashMap.newKeySet();

    public McpClients(McpSettings settings) {
        this.settings = settings;
    }

    /**
     * Connects: checks the URL (scheme, then every address its host resolves to), sends
     * {@code initialize}, and lists the tools (all pages, filtered by {@code allowed_tools}), all
     * within the connect timeout.
     *
     * @param credentials sent on every request ({@code Authorization} and headers), {@code null} for none
     * @throws McpUnavailable     the URL is refused, or the server cannot be reached, refuses, answers garbage or too late;
     *                            the message names the server and the cause, never a credential
     * @throws McpCallInterrupted the calling thread was interrupted while it waited
     */
    public McpConnection connect(AgentTool.Mcp server, AgentTool.McpCredentials.Plain credentials) {
        String label = server.serverLabel();
        URI url = ServerUrlGuard.check(label, server.serverUrl(), settings);
        Failures failures = new Failures(label, credentials);
        McpSyncClient client = McpClient.sync(transport(label, url, credentials))
                .requestTimeout(settings.callTimeout())
                // Past the connect deadline below, which is the one that answers: the two firing together raced for the message.
                .initializationTimeout(settings.connectTimeout().multipliedBy(2))
                .clientInfo(new McpSchema.Implementation("quarry", version()))
                .build();
        // On its own thread so that one deadline bounds the address check, initialize and every page together.
        FutureTask<List<McpToolInfo>> listing = new FutureTask<>(() -> {
            ServerUrlGuard.checkAddresses(label, url, settings);
            client.initialize();
            return ToolListing.list(client, server, json);
        });
        Thread.ofVirtual().name("mcp-connect-" + label).start(listing);
        try {
            SdkConnection connection = new SdkConnection(server, client,
                    listing.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS), json, failures, settings.maxResultChars(), open::remove);
            open.add(connection);
            return connection;
        } catch (TimeoutException e) {
            abandon(listing, client);
            throw new McpUnavailable("MCP server '" + label + "' did not finish initialize and tools/list within "
                    + settings.connectTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            abandon(listing, client);
            Thread.currentThread().interrupt();
            throw new McpCallInterrupted("connecting to MCP server '" + label + "' was interrupted");
        } catch (ExecutionException e) {
            abandon(listing, client);
            throw e.getCause() instanceof McpException known ? known : failures.of("initialize and tools/list", e.getCause());
        }
    }

    private HttpClientStreamableHttpTransport transport(String label, URI url, AgentTool.McpCredentials.Plain credentials) {
        Map<String, String> headers = credentials == null ? Map.of() : credentials.headers();
        String authorization = credentials == null ? null : credentials.authorization();
        headers.forEach((name, value) -> {
            if (TRANSPORT_HEADERS.contains(name.toLowerCase(Locale.ROOT)) || !sendable(name, value)) throw refusedHeader(label, name);
        });
        if (authorization != null && !sendable("Authorization", authorization)) throw refusedHeader(label, "Authorization");
        return HttpClientStreamableHttpTransport.builder(url.toString())
                .endpoint(url.toString())
                .connectTimeout(settings.connectTimeout())
                .maxResponseSize(settings.maxResponseBytes())
                .httpRequestCustomizer((request, method, endpoint, body, context) -> {
                    headers.forEach(request::setHeader);
                    if (authorization != null) request.setHeader("Authorization", authorization);
                })
                .build();
    }

    /** Whether the JDK client takes this header: checked before any request, as it would otherwise fail mid-call. */
    private static boolean sendable(String name, String value) {
        try {
            HttpRequest.newBuilder().setHeader(name, value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Names the header, never its value. */
    private static McpUnavailable refusedHeader(String label, String name) {
        return new McpUnavailable("MCP server '" + label + "' is refused: header '" + name + "' cannot be sent");
    }

    private static void abandon(FutureTask<?> listing, McpSyncClient client) {
        listing.cancel(true);
        client.close();
    }

    private static String version() {
        String version = McpClients.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public void close() {
        open.forEach(SdkConnection::close);
    }
}
