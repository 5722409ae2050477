package dev.quarry.agents.environment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agents.model.EnvironmentSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The harness's file tools on an executor, every path confined to the workspace
 * ({@link Workspace}): {@code read_file}, {@code list_dir}, {@code write_file}, {@code apply_patch}
 * and {@code load_skill}. What a tool answers is text for the model; what it refuses is a
 * {@link ToolFailure} whose message the model reads. One per run of a turn.
 */
public final class FileTools {
    /** The largest file {@code read_file} reads, and {@code write_file} writes. */
    public static final int MAX_FILE_BYTES = 1 << 20;
    /** What the model reads of a file or a listing at most. */
    public static final int MAX_ANSWER_CHARS = 64 * 1024;
    public static final int MAX_LIST_ENTRIES = 1000;

    private final String workspaceDirectory;
    private final List<String> capabilityDirectories;
    private Executor workspaceOf;
    private Workspace workspace;
    private Skills.Found skills;

    /** A tool's refusal or failure, as the model should read it. */
    public static final class ToolFailure extends RuntimeException {
        public ToolFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param workspaceDirectory the folder paths are confined to; {@code null}: the executor's own working folder
     */
    public FileTools(String workspaceDirectory, List<String> capabilityDirectories) {
        this.workspaceDirectory = workspaceDirectory;
        this.capabilityDirectories = List.copyOf(capabilityDirectories);
    }

    /** The file tools of a session's environment. */
    public static FileTools of(EnvironmentSpec environment) {
        return switch (environment) {
            case EnvironmentSpec.SelfHosted hosted -> new FileTools(hosted.workspaceDirectory(), hosted.capabilityDirectories());
            default -> new FileTools(null, List.of());
        };
    }

    /** Whether a tool changes files (a call in flight at a crash is then not run again). */
    public static boolean writes(String tool) {
        return tool.equals("write_file") || tool.equals("apply_patch");
    }

    public boolean hasSkillDirectories() {
        return !capabilityDirectories.isEmpty();
    }

    /** The skills in the capability directories, scanned once per run. */
    public synchronized Skills.Found skills(Executor executor) {
        if (skills == null) skills = Skills.scan(executor, capabilityDirectories);
        return skills;
    }

    /** The canonical folder a command runs in: {@code workdir} within the workspace ({@code null}: the workspace). */
    public String folder(Executor executor, String workdir) {
        Workspace root = workspace(executor);
        String folder = workdir == null || workdir.isBlank() ? root.canonicalDirectory() : resolve(root, workdir);
        FileEntry entry = executor.metadata(folder);
        if (entry == null || !entry.directory()) throw new ToolFailure("The working folder '" + workdir + "' is not a folder of the workspace.");
        return folder;
    }

    /**
     * Runs a file tool.
     *
     * @throws ToolFailure                    a refused path, a bad argument, a missing file, a patch that does not apply
     * @throws ExecutorException.Disconnected the executor was lost
     */
    public String call(Executor executor, String tool, JsonNode arguments) {
        return switch (tool) {
            case "read_file" -> read(executor, text(arguments, "path"), whole(arguments, "offset"), whole(arguments, "limit"));
            case "list_dir" -> list(executor, text(arguments, "path"), depth(arguments));
            case "write_file" -> write(executor, text(arguments, "path"), text(arguments, "content"));
            case "apply_patch" -> patch(executor, text(arguments, "input"));
            case "load_skill" -> loadSkill(executor, text(arguments, "name"));
            default -> throw new ToolFailure("There is no environment tool named '" + tool + "'.");
        };
    }

    private String read(Executor executor, String path, Integer offset, Integer limit) {
        String file = resolve(workspace(executor), path);
        FileEntry entry = executor.metadata(file);
        if (entry == null) throw new ToolFailure("No such file: " + path);
        if (entry.directory()) throw new ToolFailure(path + " is a folder; use list_dir.");
        if (entry.size() > MAX_FILE_BYTES) {
            throw new ToolFailure(path + " is " + entry.size() + " bytes, more than read_file reads (" + MAX_FILE_BYTES + "); read part of it with shell.");
        }
        String text = Utf8Text.decodeOrNull(executor.readFile(file, MAX_FILE_BYTES));
        if (text == null) throw new ToolFailure(path + " is not UTF-8 text.");
        if (offset != null || limit != null) {
            List<String> lines = text.lines().toList();
            int from = Math.min(lines.size(), (offset == null ? 1 : offset) - 1);
            int to = limit == null ? lines.size() : (int) Math.min(lines.size(), (long) from + limit);
            text = String.join("\n", lines.subList(from, to));
        }
        return bounded(text);
    }

    private String list(Executor executor, String path, int depth) {
        String folder = resolve(workspace(executor), path);
        FileEntry entry = executor.metadata(folder);
        if (entry == null) throw new ToolFailure("No such folder: " + path);
        if (!entry.directory()) throw new ToolFailure(path + " is a file; use read_file.");
        StringBuilder out = new StringBuilder();
        int[] left = {MAX_LIST_ENTRIES};
        listInto(executor, workspace(executor), folder, depth, "", out, left);
        if (left[0] < 0) out.append("[… more entries left out; list a subfolder …]\n");
        return bounded(out.toString());
    }

    private void listInto(Executor executor, Workspace root, String folder, int depth, String indent, StringBuilder out, int[] left) {
        List<FileEntry> entries = new ArrayList<>(executor.readDirectory(folder));
        entries.sort(Comparator.comparing(FileEntry::name));
        for (FileEntry entry : entries) {
            if (--left[0] < 0) return;
            String child = folder + "/" + entry.name();
            // A folder is listed into only where it really is inside the workspace: an executor may report a link
            // to a folder as a folder (codex exec-server does), and where it leads may be outside.
            boolean descend = entry.directory() && !entry.symlink() && depth > 1;
            String inside = descend ? within(root, child) : null;
            boolean link = entry.symlink() || (descend && !child.equals(inside));
            out.append(indent).append(entry.name()).append(link ? "@" : entry.directory() ? "/" : "").append('\n');
            if (inside != null && !link) listInto(executor, root, child, depth - 1, indent + "  ", out, left);
        }
    }

    /** The canonical form of {@code path} when it is inside the workspace, else {@code null}. */
    private static String within(Workspace root, String path) {
        try {
            return root.resolve(path);
        } catch (WorkspaceException e) {
            return null;
        }
    }

    private String write(Executor executor, String path, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_FILE_BYTES) throw new ToolFailure("The content is " + bytes.length + " bytes, more than write_file writes (" + MAX_FILE_BYTES + ").");
        String file = resolve(workspace(executor), path);
        FileEntry entry = executor.metadata(file);
        if (entry != null && entry.directory()) throw new ToolFailure(path + " is a folder.");
        String parent = file.substring(0, file.lastIndexOf('/'));
        if (!parent.isEmpty()) executor.createDirectories(parent);
        executor.writeFile(file, bytes);
        return (entry == null ? "Created " : "Wrote ") + path + " (" + bytes.length + " bytes).";
    }

    private String patch(Executor executor, String input) {
        try {
            return new PatchApplier(executor, workspace(executor)).apply(PatchParser.parse(input)).summary();
        } catch (PatchException | WorkspaceException e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    private String loadSkill(Executor executor, String name) {
        for (Skills.Skill skill : skills(executor).skills()) {
            if (skill.name().equals(name)) {
                String text = Utf8Text.decodeOrNull(executor.readFile(skill.path(), Skills.MAX_SKILL_BYTES));
                if (text == null) throw new ToolFailure("The skill '" + name + "' is not UTF-8 text.");
                return text;
            }
        }
        throw new ToolFailure("There is no skill named '" + name + "'.");
    }

    private synchronized Workspace workspace(Executor executor) {
        if (workspace == null || workspaceOf != executor) {
            try {
                workspace = Workspace.open(executor, workspaceDirectory != null ? workspaceDirectory : executor.info().cwd());
            } catch (WorkspaceException e) {
                throw new ToolFailure(e.getMessage());
            }
            workspaceOf = executor;
        }
        return workspace;
    }

    private static String resolve(Workspace workspace, String path) {
        try {
            return workspace.resolve(path);
        } catch (WorkspaceException e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    private static String bounded(String text) {
        if (text.length() <= MAX_ANSWER_CHARS) return text;
        return text.substring(0, MAX_ANSWER_CHARS) + "\n[… " + (text.length() - MAX_ANSWER_CHARS) + " more characters left out; read a range …]";
    }

    private static String text(JsonNode arguments, String field) {
        JsonNode value = arguments.get(field);
        if (value == null || !value.isTextual()) throw new ToolFailure("'" + field + "' must be a string.");
        return value.textValue();
    }

    private static Integer whole(JsonNode arguments, String field) {
        JsonNode value = arguments.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1) throw new ToolFailure("'" + field + "' must be a whole number from 1.");
        return value.intValue();
    }

    private static int depth(JsonNode arguments) {
        Integer depth = whole(arguments, "depth");
        if (depth == null) return 1;
        if (depth > 3) throw new ToolFailure("'depth' must be from 1 to 3.");
        return depth;
    }
}
