package dev.quarry.agents.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.canonical.ToolSpec;
import java.util.List;
import java.util.Set;

/**
 * The tools Quarry's harness gives an agent that has an environment, as the model sees them, and
 * how their calls and results read back in the history. The names follow Codex's tools, so models
 * trained on Codex use them as they expect.
 */
final class HarnessTools {
    static final String SHELL = "shell";
    static final String READ_FILE = "read_file";
    static final String LIST_DIR = "list_dir";
    static final String WRITE_FILE = "write_file";
    static final String APPLY_PATCH = "apply_patch";
    static final String LOAD_SKILL = "load_skill";
    static final Set<String> NAMES = Set.of(SHELL, READ_FILE, LIST_DIR, WRITE_FILE, APPLY_PATCH, LOAD_SKILL);
    /** What the model reads of a command's output: its head and tail, as a long output's middle rarely matters. */
    static final int MODEL_OUTPUT_CHARS = 32 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private HarnessTools() {}

    /** The tool specs, {@code load_skill} only when the agent has skills. */
    static List<ToolSpec> specs(boolean skills) {
        List<ToolSpec> specs = new java.util.ArrayList<>(List.of(
                ToolSpec.function(SHELL, "Runs a command with bash -lc in the workspace and returns its exit code and output (stdout and stderr together).",
                        "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"description\":\"The command line.\"},"
                                + "\"workdir\":{\"type\":\"string\",\"description\":\"The folder to run in, relative to the workspace; default: the workspace.\"},"
                                + "\"timeout_ms\":{\"type\":\"integer\",\"description\":\"Stop the command after this many milliseconds (default 120000).\"}},"
                                + "\"required\":[\"command\"],\"additionalProperties\":false}"),
                ToolSpec.function(READ_FILE, "Reads a text file of the workspace, optionally a range of its lines (1-based).",
                        "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"offset\":{\"type\":\"integer\",\"minimum\":1},"
                                + "\"limit\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"path\"],\"additionalProperties\":false}"),
                ToolSpec.function(LIST_DIR, "Lists a folder of the workspace, folders marked with a trailing '/'.",
                        "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"depth\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":3}},"
                                + "\"required\":[\"path\"],\"additionalProperties\":false}"),
                ToolSpec.function(WRITE_FILE, "Writes a whole file of the workspace (creating it and its folders, or replacing it).",
                        "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}},"
                                + "\"required\":[\"path\",\"content\"],\"additionalProperties\":false}"),
                ToolSpec.function(APPLY_PATCH, PATCH_HELP,
                        "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\",\"description\":\"The whole patch, from *** Begin Patch to *** End Patch.\"}},"
                                + "\"required\":[\"input\"],\"additionalProperties\":false}")));
        if (skills) {
            specs.add(ToolSpec.function(LOAD_SKILL, "Reads the instructions of one of your skills (listed in your instructions) by its name.",
                    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],\"additionalProperties\":false}"));
        }
        return specs;
    }

    private static final String PATCH_HELP = """
            Edits files of the workspace with a patch in this format:
            *** Begin Patch
            *** Add File: path/new.txt
            +line of the new file
            *** Update File: path/old.txt
            @@ optional context line
             unchanged line
            -removed line
            +added line
            *** Delete File: path/gone.txt
            *** End Patch
            An Update File may be followed by '*** Move to: new/path'. Every hunk must match the file; nothing is written when one does not.""";

    /** The harness tool a call item calls. */
    static String name(ItemBody call) {
        return switch (call) {
            case ItemBody.CommandExecution command -> SHELL;
            case ItemBody.EnvironmentCall environment -> environment.tool();
            default -> throw new IllegalArgumentException("not a harness tool call: " + call.type());
        };
    }

    /** A harness tool call's arguments as JSON. */
    static String arguments(ItemBody call) {
        return switch (call) {
            case ItemBody.CommandExecution command -> shellArguments(command);
            case ItemBody.EnvironmentCall environment -> environment.arguments();
            default -> throw new IllegalArgumentException("not a harness tool call: " + call.type());
        };
    }

    /** A command's call as the model made it, for the history. */
    static String shellArguments(ItemBody.CommandExecution command) {
        ObjectNode node = JSON.createObjectNode().put("command", command.command());
        if (command.cwd() != null) node.put("workdir", command.cwd());
        return node.toString();
    }

    /** A command's result as the model reads it: Codex's shell result layout, the output cut to its head and tail. */
    static String shellResult(ItemBody.CommandExecution command) {
        StringBuilder out = new StringBuilder();
        if (command.error() != null) out.append("Error: ").append(command.error()).append('\n');
        if (command.exitCode() != null) out.append("Exit code: ").append(command.exitCode()).append('\n');
        if (command.durationMs() != null) out.append("Wall time: ").append(command.durationMs() / 1000.0).append(" seconds\n");
        out.append("Output:\n").append(cut(command.output() == null ? "" : command.output(), MODEL_OUTPUT_CHARS));
        return out.toString();
    }

    /** {@code text} within {@code max} characters: its head and tail, and how much was left out between them. */
    static String cut(String text, int max) {
        if (text.length() <= max) return text;
        int half = max / 2;
        return text.substring(0, half) + "\n[… " + (text.length() - 2 * half) + " characters omitted …]\n" + text.substring(text.length() - half);
    }

    /** The arguments as a JSON object, {@code null} when they are not one. */
    static JsonNode arguments(String json) {
        try {
            JsonNode node = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
