package dev.quarry.cli;

import static dev.quarry.cli.AdminApi.encoded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "principals", description = "Manage principals: users, services and agents.",
        subcommands = {PrincipalsCommand.Create.class, PrincipalsCommand.ListPrincipals.class, PrincipalsCommand.Delete.class,
                PrincipalsCommand.Tag.class})
final class PrincipalsCommand {
    @Command(name = "create", description = "Create a principal; users and services join the group 'users'.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--kind", defaultValue = "user", paramLabel = "KIND", description = "user, service or agent (default: ${DEFAULT-VALUE}).")
        String kind;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; repeat for more.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode().put("name", name).put("kind", kind);
            body.set("tags", AdminApi.JSON.valueToTree(tags));
            System.out.print(table().row(row(connection.api().post("/admin/principals", body))).render());
            return 0;
        }
    }

    @Command(name = "list", description = "List principals with their kinds and tags.")
    static final class ListPrincipals implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/principals");
            output.print(reply, () -> {
                Table table = table();
                reply.path("principals").forEach(p -> table.row(row(p)));
                return table;
            });
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a principal with its keys, tags, memberships and trust entries naming it.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            connection.api().delete("/admin/principals/" + encoded(name));
            System.out.println("deleted " + name);
            return 0;
        }
    }

    @Command(name = "tag", description = "Set or remove tags of a principal; tags not named stay as they are.")
    static final class Tag implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag to set; repeat for more.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(names = "--remove", paramLabel = "KEY", description = "A tag to remove; repeat for more.")
        List<String> remove = new ArrayList<>();

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode();
            body.set("tags", AdminApi.JSON.valueToTree(tags));
            body.set("remove", AdminApi.JSON.valueToTree(remove));
            System.out.print(table().row(row(connection.api().put("/admin/principals/" + encoded(name) + "/tags", body))).render());
            return 0;
        }
    }

    static Table table() {
        return new Table("NAME", "KIND", "TAGS");
    }

    /** A principal as the admin API shows it, as a row of {@link #table()}. */
    static String[] row(JsonNode p) {
        return new String[] {p.path("name").asText(), p.path("kind").asText(), Table.tags(p.path("tags"))};
    }
}
