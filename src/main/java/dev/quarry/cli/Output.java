package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** {@code --output}: how a listing is printed, the same way by every command that prints one. */
final class Output {
    enum Format { TABLE, JSON }

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (aligned columns) or json (the server's document) (default: ${DEFAULT-VALUE}).")
    Format format;

    /** Prints the server's document as JSON, or the table made from it. */
    void print(JsonNode document, Supplier<Table> table) {
        System.out.print(format == Format.JSON ? Terminal.json(document) + System.lineSeparator() : table.get().render());
    }
}
