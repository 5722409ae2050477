package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.ToolChoice;
import java.util.function.Function;

/** {@code tool_choice}, which both OpenAI APIs spell alike except where a named tool's name sits. */
final class ToolChoices {
    private ToolChoices() {}

    /** @param nameOf finds the tool's name in the object form, or returns {@code null} */
    static ToolChoice decode(JsonNode choice, Function<JsonNode, String> nameOf) {
        if (choice == null || choice.isNull()) return ToolChoice.AUTO;
        if (choice.isTextual()) {
            return switch (choice.textValue()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> new ToolChoice.None();
                case "required" -> new ToolChoice.Any();
                default -> throw QuarryException.invalid("tool_choice", "'tool_choice' must be auto, none, required or a named tool.");
            };
        }
        String name = choice.isObject() ? nameOf.apply(choice) : null;
        if (name == null || name.isEmpty()) throw QuarryException.invalid("tool_choice", "'tool_choice' names no tool.");
        return new ToolChoice.Named(name);
    }
}
