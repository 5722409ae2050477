package dev.quarry.agents.runtime.mcp;

import dev.quarry.agents.environment.Commands;
import dev.quarry.agents.environment.Executor;
import dev.quarry.agents.environment.ProcessSpec;
import dev.quarry.agents.model.AgentTool;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens connections to MCP servers, over streamable HTTP or over the stdio of a process in a
 * session's environment; one per node, closed with it (closing
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
        return open(server, transport(label, url, credentials), new Failures(label, credentials), new CompletableFuture<>(),
                () -> ServerUrlGuard.checkAddresses(label, url, settings));
    }

    /**
     * Starts a stdio server's command on {@code executor} in {@code cwd} and connects to it as
     * {@link #connect} does, within the same timeout; closing the connection ends the process.
     *
     * @param cwd an absolute folder on the executor
     * @throws McpUnavailable     the process could not start, or exited (the message has its exit code and the end of its
     *                            stderr), or did not answer in time
     * @throws McpCallInterrupted the calling thread was interrupted while it waited
     */
    public McpConnection connectStdio(AgentTool.Mcp server, Executor executor, String cwd) {
        AgentTool.Stdio stdio = Objects.requireNonNull(server.stdio(), "a stdio server");
        List<String> argv = new ArrayList<>();
        argv.add(stdio.command());
        argv.addAll(stdio.args());
        Map<String, String> env = new HashMap<>(Commands.ENV);
        env.putAll(stdio.env());
        ProcessSpec spec = new ProcessSpec("mcp-" + server.serverLabel() + "-" + UUID.randomUUID(), argv, cwd, env, true);
        CompletableFuture<List<McpToolInfo>> listing = new CompletableFuture<>();
        // The process's exit fails the listing at once: waiting out the timeout would only lose its exit code.
        ExecStdioTransport transport = new ExecStdioTransport(server.serverLabel(), executor, spec, json, settings.maxResponseBytes(),
                listing::completeExceptionally);
        return open(server, transport, new Failures(server.serverLabel(), null), listing, () -> {});
    }

    /**
     * Sends {@code initialize} and lists the tools over {@code transport}, on a thread of its own so
     * that one deadline bounds {@code beforeInitialize}, {@code initialize} and every page together;
     * {@code listing} completes with the tools, or earlier with what the transport knows went wrong.
     */
    private SdkConnection open(AgentTool.Mcp server, McpClientTransport transport, Failures failures, CompletableFuture<List<McpToolInfo>> listing,
                               Runnable beforeInitialize) {
        String label = server.serverLabel();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(settings.callTimeout())
                // Past the connect deadline below, which is the one that answers: the two firing together raced for the message.
                .initializationTimeout(settings.connectTimeout().multipliedBy(2))
                .clientInfo(new McpSchema.Implementation("quarry", version()))
                .build();
        Thread worker = Thread.ofVirtual().name("mcp-connect-" + label).start(() -> {
            try {
                beforeInitialize.run();
                client.initialize();
                listing.complete(ToolListing.list(client, server, json));
            } catch (Throwable e) {
                listing.completeExceptionally(e);
            }
        });
        try {
            SdkConnection connection = new SdkConnection(server, client,
                    listing.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS), json, failures, settings.maxResultChars(), open::remove);
            open.add(connection);
            return connection;
        } catch (TimeoutException e) {
            abandon(worker, client);
            throw new McpUnavailable("MCP server '" + label + "' did not finish initialize and tools/list within "
                    + settings.connectTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            abandon(worker, client);
            Thread.currentThread().interrupt();
            throw new McpCallInterrupted("connecting to MCP server '" + label + "' was interrupted");
        } catch (ExecutionException e) {
            abandon(worker, client);
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

    private static void abandon(Thread worker, McpSyncClient client) {
        worker.interrupt();
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
