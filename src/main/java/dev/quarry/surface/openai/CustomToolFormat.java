package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A custom tool's {@code format}: {@code {"type":"text"}} or a grammar. The Responses API writes a
 * grammar as {@code {"type":"grammar","syntax":"lark"|"regex","definition":"…"}}, and that is its
 * canonical form (a Responses upstream takes it as it is; the function form of other upstreams
 * quotes its definition); Chat Completions nests the two under {@code grammar}
 * ({@code {"type":"grammar","grammar":{"syntax":…,"definition":…}}}) and is read into that form.
 * Checked here because an upstream with only JSON tools gets the grammar as prose in a function's
 * description: a broken one would never be refused there, the model would just be told nonsense.
 *
 * <p>A regex is compiled with {@code java.util.regex}. OpenAI's regex syntax is Rust's; the two agree
 * on everything but a few constructs, so Rust's named groups ({@code (?P<name>…)}, and names with
 * {@code _} or {@code .}) are compiled as Java's {@code (?<name>…)}, and a Rust-only flag (such as
 * {@code (?R)}) is refused. A Lark grammar is checked by {@link LarkOutline}, which parses no
 * Lark: see there for exactly what it checks.
 */
final class CustomToolFormat {
    /** The longest definition accepted: Codex's apply_patch grammar is about 2 KiB. */
    static final int MAX_DEFINITION_CHARS = 64 * 1024;
    /**
     * The most definition text a request's custom tools carry together. Checking costs up to about
     * 2 µs a character (regexes with many look-behinds, on a busy machine), so without it a body of
     * the largest size would hold over a hundred full definitions and tens of seconds of CPU.
     */
    static final int MAX_TOTAL_DEFINITION_CHARS = 4 * MAX_DEFINITION_CHARS;
    /**
     * A named group as Rust writes it, {@code (?P<name>} or {@code (?<name>}: Rust's names may hold
     * {@code _}, {@code .}, {@code [} and {@code ]}, Java's only letters and digits, so each is
     * compiled under a name of its own ({@code g} and where it starts).
     */
    private static final Pattern RUST_NAMED_GROUP = Pattern.compile("\\(\\?P?<[\\p{L}_][\\p{L}\\p{N}_.\\[\\]]*>");
    /**
     * What a regex is compiled behind, so that it never starts with a literal: java.util.regex builds
     * a Boyer-Moore table for a leading literal in time quadratic in its length (64 Ki of one letter:
     * seconds). An empty group changes nothing a definition is refused for, except that a leading
     * quantifier would quantify it: such a definition is compiled as it is.
     */
    private static final String NO_LEADING_LITERAL = "(?:)";

    private CustomToolFormat() {}

    /**
     * Refuses a request whose custom tools' definitions add up to more than
     * {@link #MAX_TOTAL_DEFINITION_CHARS}, before any is checked; {@code definition} is where a
     * custom tool (of type {@code custom}) carries it, as a JSON pointer.
     */
    static void requireTotalWithinBound(List<JsonNode> tools, String definition) {
        long total = 0;
        for (JsonNode tool : tools) {
            if (tool.path("type").asText().equals("custom")) total += tool.at(definition).asText("").length();
        }
        if (total > MAX_TOTAL_DEFINITION_CHARS) {
            throw QuarryException.invalid("tools", "The custom tools' grammar definitions are " + total + " characters long together; at most "
                    + MAX_TOTAL_DEFINITION_CHARS + " are accepted.");
        }
    }

    /** A Responses tool's format as JSON text, or {@code null} when there is none; {@code path} is the format's place in the body. */
    static String responses(JsonNode format, String tool, String path) {
        if (format == null || format.isNull()) return null;
        if (isGrammar(format, tool, path)) grammar(format, tool, path);
        return format.toString();
    }

    /** A Chat Completions tool's format in the canonical (Responses) form, or {@code null} when there is none. */
    static String chatCompletions(JsonNode format, String tool, String path) {
        if (format == null || format.isNull()) return null;
        if (!isGrammar(format, tool, path)) return format.toString();
        JsonNode grammar = format.get("grammar");
        if (grammar == null || !grammar.isObject()) throw invalid(tool, path + ".grammar", "must be an object with syntax and definition");
        grammar(grammar, tool, path + ".grammar");
        return Json.object().put("type", "grammar").put("syntax", grammar.get("syntax").asText())
                .put("definition", grammar.get("definition").asText()).toString();
    }

    /** Whether the format is a grammar; {@code false} for text, refused when it is neither. */
    private static boolean isGrammar(JsonNode format, String tool, String path) {
        if (!format.isObject()) throw invalid(tool, path, "must be an object");
        JsonNode type = format.get("type");
        if (type == null || !type.isTextual()) throw invalid(tool, path + ".type", "must be \"text\" or \"grammar\"");
        return switch (type.asText()) {
            case "text" -> false;
            case "grammar" -> true;
            default -> throw invalid(tool, path + ".type", "must be \"text\" or \"grammar\", not \"" + clip(type.asText()) + "\"");
        };
    }

    /** Checks the {@code syntax} and {@code definition} that {@code holder} carries at {@code path}. */
    private static void grammar(JsonNode holder, String tool, String path) {
        JsonNode syntax = holder.get("syntax");
        if (syntax == null || !syntax.isTextual() || !(syntax.asText().equals("lark") || syntax.asText().equals("regex"))) {
            throw invalid(tool, path + ".syntax", "must be \"lark\" or \"regex\"");
        }
        JsonNode definition = holder.get("definition");
        String at = path + ".definition";
        if (definition == null || !definition.isTextual()) throw invalid(tool, at, "must be a string holding the grammar");
        String text = definition.asText();
        if (text.isBlank()) throw invalid(tool, at, "is empty");
        if (text.length() > MAX_DEFINITION_CHARS) {
            throw invalid(tool, at, "is " + text.length() + " characters long; at most " + MAX_DEFINITION_CHARS + " are accepted");
        }
        if (syntax.asText().equals("regex")) {
            String regex = RUST_NAMED_GROUP.matcher(text).replaceAll(group -> "(?<g" + group.start() + ">");
            String prefix = "*+?".indexOf(regex.charAt(0)) >= 0 ? "" : NO_LEADING_LITERAL;
            try {
                Pattern.compile(prefix + regex);
            } catch (PatternSyntaxException e) {
                int index = e.getIndex() < 0 ? e.getIndex() : e.getIndex() - prefix.length();
                throw invalid(tool, at, "is not a valid regex: " + e.getDescription() + " near index " + index);
            }
        } else {
            String problem = LarkOutline.problem(text);
            if (problem != null) throw invalid(tool, at, "is not a valid Lark grammar: " + problem);
        }
    }

    private static QuarryException invalid(String tool, String field, String problem) {
        return QuarryException.invalid(field, "Custom tool '" + tool + "': " + field + " " + problem + ".");
    }

    private static String clip(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
