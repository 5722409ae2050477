package dev.quarry.agents.runtime.mcp;

import dev.quarry.agents.environment.Executor;
import dev.quarry.agents.environment.ExecutorException;
import dev.quarry.agents.environment.ProcessExit;
import dev.quarry.agents.environment.ProcessSpec;
import dev.quarry.agents.environment.RunningProcess;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;
import reactor.core.publisher.Mono;

/**
 * The SDK's client transport over a process an {@link Executor} runs in the session's
 * environment: MCP's stdio transport, as the SDK's own {@code StdioClientTransport} speaks it —
 * one JSON-RPC message per line on stdin and stdout, stderr for the server's logging (of which the
 * last {@link #STDERR_TAIL} bytes are kept to explain an exit).
 *
 * <p>When the process ends, whoever waits hears it at once: {@code onExit} gets the reason (which
 * fails a connect still waiting for {@code initialize}), every request still unanswered gets it
 * as a JSON-RPC error, and later sends fail with it.
 */
final class ExecStdioTransport implements McpClientTransport {
    private static final Logger LOG = Logger.getLogger(ExecStdioTransport.class.getName());
    static final int STDERR_TAIL = 4096;
    /** JSON-RPC's "server error" code: what a request left unanswered by an exit is told. */
    private static final int SERVER_EXITED = -32000;
    /** How long a refused write waits to learn whether the server has exited. */
    private static final Duration WRITE_FAILURE_GRACE = Duration.ofSeconds(1);

    private final String label;
    private final Executor executor;
    private final ProcessSpec spec;
    private final McpJsonMapper json;
    private final int maxLineBytes;
    private final Consumer<McpUnavailable> onExit;
    /** Hands messages to the SDK in order, off the executor's thread: a reply the SDK writes from there could wait on that thread. */
    private final ExecutorService inbound;
    private final Set<Object> unanswered = ConcurrentHashMap.newKeySet();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final AtomicBoolean warnedNotJsonRpc = new AtomicBoolean();
    private final Object writing = new Object();
    private byte[] stderr = new byte[0];
    private boolean overlong;
    private volatile Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler;
    private volatile RunningProcess process;
    private volatile Object initializeId;
    private volatile boolean initialized;
    private volatile String ended;
    private volatile String failure;

    /**
     * @param maxLineBytes the longest message the server may send; a longer one ends the process
     * @param onExit       told (once) why the process is gone, or could not start
     */
    ExecStdioTransport(String label, Executor executor, ProcessSpec spec, McpJsonMapper json, int maxLineBytes, Consumer<McpUnavailable> onExit) {
        this.label = label;
        this.executor = executor;
        this.spec = spec;
        this.json = json;
        this.maxLineBytes = maxLineBytes;
        this.onExit = onExit;
        this.inbound = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("mcp-stdio-" + label).factory());
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            if (this.handler != null) throw new IllegalStateException("the stdio MCP server '" + label + "' is started once");
            this.handler = handler;
            try {
                process = executor.start(spec, this::output);
            } catch (ExecutorException e) {
                end("stdio MCP server '" + label + "' could not start: " + e.getMessage());
                return;
            }
            Thread.ofVirtual().name("mcp-stdio-exit-" + label).start(this::awaitExit);
        });
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            String gone = ended;
            if (gone != null) throw new McpUnavailable(gone);
            if (message instanceof McpSchema.JSONRPCRequest request) {
                if (McpSchema.METHOD_INITIALIZE.equals(request.method())) initializeId = request.id();
                unanswered.add(request.id());
            }
            byte[] bytes;
            try {
                bytes = (json.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new McpUnavailable("stdio MCP server '" + label + "': a message could not be written as JSON: " + e.getMessage());
            }
            try {
                synchronized (writing) {
                    process.write(bytes);
                }
            } catch (ExecutorException e) {
                // A server that died at once refuses its stdin before its exit is known: its exit, once
                // reported (which ends the connect with it), says more than the refusal.
                String exited = endedWithin(WRITE_FAILURE_GRACE);
                throw new McpUnavailable(exited != null ? exited : "stdio MCP server '" + label + "': writing to its stdin failed: " + e.getMessage());
            }
        });
    }

    /** Why the server ended, waiting up to {@code wait} for it to be known; {@code null} if it is not by then. */
    private String endedWithin(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (ended == null && System.nanoTime() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return ended;
    }

    /** Called on the executor's thread, in order; never throws (the executor would end the process). */
    private void output(boolean isStderr, byte[] chunk) {
        if (isStderr) {
            keepStderr(chunk);
            return;
        }
        int start = 0;
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] != '\n') continue;
            append(chunk, start, i - start);
            lineDone();
            start = i + 1;
        }
        append(chunk, start, chunk.length - start);
    }

    private void append(byte[] chunk, int from, int length) {
        if (overlong || length == 0) return;
        if (line.size() + length > maxLineBytes) {
            overlong = true;
            line.reset();
            fail("stdio MCP server '" + label + "' sent a message over " + maxLineBytes + " bytes");
            return;
        }
        line.write(chunk, from, length);
    }

    private void lineDone() {
        if (overlong) {
            overlong = false;
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8).strip();
        line.reset();
        if (text.isEmpty()) return;
        JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, text);
        } catch (IOException | RuntimeException e) {
            // Not its content: a server may print anything, secrets included. Once: a server printing its logs to stdout
            // would otherwise write one warning per line into Quarry's log.
            if (!warnedNotJsonRpc.getAndSet(true)) {
                LOG.warning(() -> "stdio MCP server '" + label + "' wrote a line to stdout that is not a JSON-RPC message (" + text.length()
                        + " characters); it and any more such lines are ignored");
            }
            return;
        }
        if (message instanceof McpSchema.JSONRPCResponse response) {
            unanswered.remove(response.id());
            if (response.id() != null && response.id().equals(initializeId)) initialized = true;
        }
        deliver(message);
    }

    private void deliver(JSONRPCMessage message) {
        try {
            inbound.execute(() -> handler.apply(Mono.just(message)).subscribe(null,
                    e -> LOG.fine(() -> "stdio MCP server '" + label + "': handling a message failed: " + e.getMessage())));
        } catch (RejectedExecutionException e) {
            // Closed: nobody waits for it any more.
        }
    }

    private synchronized void keepStderr(byte[] chunk) {
        byte[] joined = Arrays.copyOf(stderr, stderr.length + chunk.length);
        System.arraycopy(chunk, 0, joined, stderr.length, chunk.length);
        stderr = joined.length <= STDERR_TAIL ? joined : Arrays.copyOfRange(joined, joined.length - STDERR_TAIL, joined.length);
    }

    /** The last of its stderr, as text: a character cut at the start shows as a replacement character. */
    synchronized String stderrTail() {
        return new String(stderr, StandardCharsets.UTF_8).strip();
    }

    /** Ends the process for a reason of Quarry's; its exit then reports that reason. */
    private void fail(String why) {
        failure = why;
        RunningProcess running = process;
        if (running != null) Thread.ofVirtual().start(running::terminate);
    }

    private void awaitExit() {
        String why;
        try {
            ProcessExit exit = null;
            while (exit == null) exit = process.await(Duration.ofMinutes(1));
            why = failure != null ? failure : exitMessage(exit.exitCode());
        } catch (ExecutorException.Interrupted e) {
            return;
        } catch (ExecutorException e) {
            why = "stdio MCP server '" + label + "' was lost with its environment's executor: " + e.getMessage();
        } catch (RuntimeException e) {
            why = "stdio MCP server '" + label + "' failed: " + e.getMessage();
        }
        end(why);
    }

    private String exitMessage(int code) {
        String tail = stderrTail();
        return "stdio MCP server '" + label + "' exited with code " + code + (initialized ? "" : " before initialize")
                + (tail.isEmpty() ? " (no stderr)" : ": " + tail);
    }

    private void end(String why) {
        if (ended != null) return;
        ended = why;
        onExit.accept(new McpUnavailable(why));
        for (Object id : unanswered) {
            deliver(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, null,
                    new McpSchema.JSONRPCResponse.JSONRPCError(SERVER_EXITED, why, null)));
        }
        unanswered.clear();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        if (ended == null) ended = "stdio MCP server '" + label + "' was closed";
        RunningProcess running = process;
        if (running != null) {
            try {
                running.terminate();
            } catch (ExecutorException e) {
                LOG.fine(() -> "stdio MCP server '" + label + "': terminating it failed: " + e.getMessage());
            }
        }
        inbound.shutdown();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }
}
