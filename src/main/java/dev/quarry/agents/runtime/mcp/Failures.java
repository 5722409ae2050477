package dev.quarry.agents.runtime.mcp;

import dev.quarry.agents.model.AgentTool;
import io.modelcontextprotocol.spec.McpError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the SDK threw into an {@link McpException} naming the server and the cause. Causes
 * are not chained: the SDK's messages and stack traces may carry request details, so only their
 * messages are kept, with the connection's secrets cut out.
 */
final class Failures {
    private static final int MAX_MESSAGE_CHARS = 1000;
    private static final String REDACTED = "[redacted]";

    private final String label;
    private final List<String> secrets;

    Failures(String label, AgentTool.McpCredentials.Plain credentials) {
        this.label = label;
        this.secrets = secrets(credentials);
    }

    McpException of(String doing, Throwable thrown) {
        if (Thread.currentThread().isInterrupted() || find(thrown, InterruptedException.class).isPresent()) {
            Thread.currentThread().interrupt();
            return new McpCallInterrupted("MCP server '" + label + "': " + doing + " was interrupted");
        }
        if (find(thrown, TimeoutException.class).isPresent()) {
            return new McpUnavailable("MCP server '" + label + "': " + doing + " got no answer in time");
        }
        return new McpUnavailable("MCP server '" + label + "': " + doing + " failed: " + redact(messages(thrown)));
    }

    /** The server's JSON-RPC error, when that is what failed: the server answered, refusing. */
    static Optional<McpError> jsonRpcError(Throwable thrown) {
        return find(thrown, McpError.class);
    }

    String redact(String text) {
        String out = text;
        for (String secret : secrets) out = out.replace(secret, REDACTED);
        return out;
    }

    private static <T extends Throwable> Optional<T> find(Throwable thrown, Class<T> type) {
        Set<Throwable> seen = new LinkedHashSet<>();
        for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
            if (type.isInstance(t)) return Optional.of(type.cast(t));
        }
        return Optional.empty();
    }

    /** The distinct messages down the cause chain, outermost first, bounded. */
    private static String messages(Throwable thrown) {
        Set<String> parts = new LinkedHashSet<>();
        Set<Throwable> seen = new LinkedHashSet<>();
        for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
            parts.add(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        String text = String.join(": ", parts);
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    /** The credential values, and a scheme-prefixed authorization's token alone, longest first so none is left half-cut. */
    private static List<String> secrets(AgentTool.McpCredentials.Plain credentials) {
        List<String> out = new ArrayList<>();
        if (credentials == null) return out;
        if (credentials.authorization() != null) {
            String authorization = credentials.authorization().strip();
            out.add(authorization);
            int space = authorization.indexOf(' ');
            if (space > 0) out.add(authorization.substring(space + 1).strip());
        }
        out.addAll(credentials.headers().values());
        // A value this short guards nothing, and cutting it out would garble every message.
        out.removeIf(s -> s.length() < 4);
        out.sort((a, b) -> b.length() - a.length());
        return List.copyOf(out);
    }
}
