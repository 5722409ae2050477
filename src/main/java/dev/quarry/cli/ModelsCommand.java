package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "models", description = "Show the model catalog.", subcommands = ModelsCommand.ListModels.class)
final class ModelsCommand {

    @Command(name = "list", description = "List the running server's models: whether each can be served, and where.")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/models");
            output.print(reply, () -> {
                Table table = new Table("MODEL", "FAMILY", "KIND", "STATUS", "CONTEXT", "DEPLOYMENTS / NOTES");
                for (JsonNode m : reply.path("models")) {
                    List<String> where = new ArrayList<>();
                    for (JsonNode d : m.path("deployments")) {
                        where.add(d.path("provider").asText() + ":" + d.path("upstream_model").asText()
                                + (d.path("region").isTextual() ? "@" + d.path("region").asText() : ""));
                    }
                    table.row(m.path("id").asText(), m.path("family").asText(), m.path("kind").asText(),
                            m.path("available").asBoolean() ? "available" : "unavailable", m.path("context_window").asText(),
                            (where.isEmpty() ? "configure a deployment" : String.join(", ", where))
                                    + (m.path("test_model").asBoolean() ? "  (test model)" : ""));
                }
                return table;
            });
            return 0;
        }
    }
}
