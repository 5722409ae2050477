package dev.quarry.agents.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link Executor} that is one initialized connection to a {@code codex exec-server} (0.169.0's
 * protocol), from {@link ListeningDialer#dial} or {@link DialInSocket#initialize}. Every path goes to the server as a {@code file://}
 * URI, which is what 0.169.0 takes (a plain path is refused with −32602). The server handles one
 * request of a connection at a time by default ({@code --concurrent-requests 1}), but
 * {@code process/start} answers as soon as the process is spawned, so file calls are answered while
 * processes run. Output sinks are called on the socket's own thread: a slow sink holds up every
 * answer on the connection.
 */
public final class ExecServerConnection implements Executor {
    /** The exec-server's code for "no such file or directory". */
    private static final int NOT_FOUND = -32004;

    private final JsonRpcSocket rpc;
    private final ExecutorInfo info;
    private final String sessionId;
    private final Map<String, RemoteProcess> processes = new ConcurrentHashMap<>();

    ExecServerConnection(JsonRpcSocket rpc, ExecutorInfo info, String sessionId) {
        this.rpc = rpc;
        this.info = info;
        this.sessionId = sessionId;
        rpc.listen(new JsonRpcSocket.Listener() {
            @Override
            public void notification(String method, JsonNode params) {
                route(method, params);
            }

            @Override
            public void disconnected(ExecutorException.Disconnected why) {
                processes.values().forEach(process -> process.disconnected(why));
                processes.clear();
            }
        });
    }

    /**
     * Initializes a connection just opened, in either direction: {@code initialize {clientName:"quarry"}}
     * (answered within the socket's current call timeout), then the {@code initialized} notification;
     * later calls wait up to {@code callTimeout}. The socket is closed when this fails.
     *
     * @throws ExecutorException.Refused      the executor refused {@code initialize}
     * @throws ExecutorException.Disconnected the connection broke or the answer did not come in time
     */
    static ExecServerConnection initialize(JsonRpcSocket rpc, String peer, Duration callTimeout) {
        try {
            JsonNode initialized = rpc.call("initialize", JsonRpcSocket.JSON.createObjectNode().put("clientName", "quarry"));
            rpc.notify("initialized");
            rpc.callTimeout(callTimeout);
            return new ExecServerConnection(rpc, info(initialized.path("environmentInfo")), initialized.path("sessionId").asText(null));
        } catch (JsonRpcSocket.RpcError e) {
            rpc.close();
            throw new ExecutorException.Refused("executor " + peer + " refused initialize: " + e.getMessage());
        } catch (RuntimeException e) {
            rpc.close();
            throw e;
        }
    }

    private static ExecutorInfo info(JsonNode environment) {
        JsonNode shell = environment.path("shell");
        String shellName = shell.isTextual() ? shell.asText() : shell.path("path").asText(shell.path("name").asText(null));
        String cwd = environment.path("cwd").asText(null);
        return new ExecutorInfo(environment.path("executorVersion").asText(null), shellName,
                cwd != null && cwd.startsWith("file:") ? pathOf(cwd) : cwd);
    }

    @Override
    public ExecutorInfo info() {
        return info;
    }

    /**
     * The exec-server's id for this connection's session, {@code null} if it gave none. It keeps a
     * session whose socket dropped (processes running) for a while, and {@code initialize
     * {resumeSessionId}} can take it up again.
     */
    public String sessionId() {
        return sessionId;
    }

    @Override
    public RunningProcess start(ProcessSpec spec, OutputSink sink) {
        RemoteProcess process = new RemoteProcess(spec.processId(), sink, this);
        // Registered before the start is sent: its first output can come before the answer does.
        if (processes.putIfAbsent(spec.processId(), process) != null) {
            throw new ExecutorException.Refused("process/start " + spec.processId() + ": this connection has a process with that id already");
        }
        ObjectNode params = JsonRpcSocket.JSON.createObjectNode().put("processId", spec.processId());
        spec.argv().forEach(params.putArray("argv")::add);
        params.put("cwd", fileUri(spec.cwd()));
        ObjectNode env = params.putObject("env");
        spec.env().forEach(env::put);
        params.put("tty", false).put("pipeStdin", spec.pipeStdin());
        try {
            call("process/start", params, spec.processId());
        } catch (RuntimeException e) {
            processes.remove(spec.processId(), process);
            throw e;
        }
        return process;
    }

    /**
     * {@inheritDoc} The size is checked with {@code fs/getMetadata} first: {@code fs/readFile}
     * has no limit of its own and would send the whole file.
     */
    @Override
    public byte[] readFile(String path, int maxBytes) {
        JsonNode metadata = call("fs/getMetadata", pathParams(path), path);
        if (!metadata.path("isFile").asBoolean()) throw new ExecutorException.Refused("fs/readFile " + path + ": not a file");
        long size = metadata.path("size").asLong();
        if (size > maxBytes) throw tooLarge(path, size, maxBytes);
        byte[] content = Base64.getDecoder().decode(call("fs/readFile", pathParams(path), path).path("dataBase64").asText());
        if (content.length > maxBytes) throw tooLarge(path, content.length, maxBytes);
        return content;
    }

    @Override
    public void writeFile(String path, byte[] content) {
        call("fs/writeFile", pathParams(path).put("dataBase64", Base64.getEncoder().encodeToString(content)), path);
    }

    @Override
    public void createDirectories(String path) {
        call("fs/createDirectory", pathParams(path).put("recursive", true), path);
    }

    /**
     * {@inheritDoc} The exec-server's listing gives each entry's name and kind (a link's kind is
     * its target's) but not whether it is a link, nor its size: entries say {@code symlink=false}
     * and {@code size=-1}; {@link #metadata} tells both.
     */
    @Override
    public List<FileEntry> readDirectory(String path) {
        List<FileEntry> entries = new ArrayList<>();
        for (JsonNode entry : call("fs/readDirectory", pathParams(path), path).path("entries")) {
            entries.add(new FileEntry(entry.path("fileName").asText(), entry.path("isDirectory").asBoolean(), false, -1));
        }
        return entries;
    }

    /**
     * {@inheritDoc} A link that leads nowhere is reported as a link: {@code fs/getMetadata} follows
     * links and answers "not found" for it, which would let a write through it land wherever it points.
     */
    @Override
    public FileEntry metadata(String path) {
        try {
            return entry(path, rpc.call("fs/getMetadata", pathParams(path)));
        } catch (JsonRpcSocket.RpcError e) {
            if (e.code == NOT_FOUND) return danglingLinkOrNothing(path);
            throw refused("fs/getMetadata", path, e);
        }
    }

    // Asked not to follow links, the server refuses any link in the path, so the folder is canonicalized
    // first: then only the entry itself can be one. Any refusal but "not found" counts as something there.
    private FileEntry danglingLinkOrNothing(String path) {
        int slash = path.lastIndexOf('/');
        String folder;
        try {
            folder = canonicalize(slash == 0 ? "/" : path.substring(0, slash));
        } catch (ExecutorException.Refused e) {
            return null;
        }
        String entry = (folder.endsWith("/") ? folder : folder + "/") + path.substring(slash + 1);
        try {
            return entry(path, rpc.call("fs/getMetadata", pathParams(entry).put("followSymlinks", false)));
        } catch (JsonRpcSocket.RpcError e) {
            return e.code == NOT_FOUND ? null : new FileEntry(path.substring(slash + 1), false, true, -1);
        }
    }

    private static FileEntry entry(String path, JsonNode metadata) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new FileEntry(name.isEmpty() ? path : name, metadata.path("isDirectory").asBoolean(),
                metadata.path("isSymlink").asBoolean(), metadata.path("size").asLong(-1));
    }

    @Override
    public String canonicalize(String path) {
        return pathOf(call("fs/canonicalize", pathParams(path), path).path("path").asText());
    }

    /** {@inheritDoc} Nothing at {@code path} is not an error: removing twice is removing once. */
    @Override
    public void remove(String path) {
        call("fs/remove", pathParams(path).put("recursive", true).put("force", true), path);
    }

    /**
     * {@inheritDoc} Its running processes are terminated first: 0.169.0 does not end them when the
     * socket closes but keeps the session, processes running, for a while after (for
     * {@code initialize {resumeSessionId}}).
     */
    @Override
    public void close() {
        for (RemoteProcess process : List.copyOf(processes.values())) {
            try {
                process.terminate();
            } catch (ExecutorException e) {
                // Closing goes on: a refused or interrupted terminate leaves the session's expiry to end it.
            }
        }
        rpc.close();
    }

    void write(String processId, byte[] input) {
        // The server keeps writeIds to drop a repeated write: each write gets its own.
        ObjectNode params = JsonRpcSocket.JSON.createObjectNode().put("processId", processId)
                .put("chunk", Base64.getEncoder().encodeToString(input)).put("writeId", UUID.randomUUID().toString());
        String status = call("process/write", params, processId).path("status").asText();
        switch (status) {
            case "accepted" -> { }
            case "stdinClosed" -> throw new ExecutorException.Refused("process/write " + processId
                    + ": its stdin is closed (it was started without pipeStdin, or it has exited)");
            case "unknownProcess" -> throw new ExecutorException.Refused("process/write " + processId + ": no such process");
            default -> throw new ExecutorException.Refused("process/write " + processId + ": the executor answered " + status);
        }
    }

    void terminate(String processId) {
        call("process/terminate", JsonRpcSocket.JSON.createObjectNode().put("processId", processId), processId);
    }

    void terminateQuietly(String processId) {
        try {
            terminate(processId);
        } catch (ExecutorException e) {
            // Best effort: it was stopping because its sink failed, and that failure is what its caller hears.
        }
    }

    private void route(String method, JsonNode params) {
        String processId = params.path("processId").asText(null);
        RemoteProcess process = processId == null ? null : processes.get(processId);
        if (process != null && process.notification(method, params)) processes.remove(processId, process);
    }

    private JsonNode call(String method, ObjectNode params, String subject) {
        try {
            return rpc.call(method, params);
        } catch (JsonRpcSocket.RpcError e) {
            throw refused(method, subject, e);
        }
    }

    // The server's message names a cause ("No such file or directory (os error 2)"), never content.
    private static ExecutorException.Refused refused(String method, String subject, JsonRpcSocket.RpcError e) {
        return new ExecutorException.Refused(method + " " + subject + ": " + e.getMessage());
    }

    private static ExecutorException.Refused tooLarge(String path, long size, int maxBytes) {
        return new ExecutorException.Refused("fs/readFile " + path + ": " + size + " bytes, over the limit of " + maxBytes);
    }

    private static ObjectNode pathParams(String path) {
        return JsonRpcSocket.JSON.createObjectNode().put("path", fileUri(path));
    }

    static String fileUri(String path) {
        if (!path.startsWith("/")) throw new IllegalArgumentException("not an absolute path: " + path);
        try {
            return new URI("file", "", path, null, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a usable path: " + path, e);
        }
    }

    static String pathOf(String fileUri) {
        URI uri = URI.create(fileUri);
        if (!"file".equals(uri.getScheme())) throw new ExecutorException.Refused("the executor answered a path that is not a file URI: " + fileUri);
        return uri.getPath();
    }
}
