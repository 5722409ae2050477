package dev.quarry.cli;

import static dev.quarry.cli.AdminApi.encoded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "roles", description = "Manage roles that principals assume for temporary credentials.",
        subcommands = {RolesCommand.Create.class, RolesCommand.Delete.class})
final class RolesCommand {

    @Command(name = "create", description = "Create a role and say who may assume it.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "ROLE")
        String name;

        @Option(names = "--trust", required = true, paramLabel = "NAME|group:GROUP",
                description = "A principal, or every member of a group, allowed to assume the role; repeat for more.")
        List<String> trust;

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode().put("name", name);
            body.set("trust", AdminApi.JSON.valueToTree(trust));
            JsonNode role = connection.api().post("/admin/roles", body);
            System.out.print(new Table("ROLE", "TRUSTS").row(role.path("name").asText(), Table.joined(role.path("trust"))).render());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a role; its sessions end with it.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "ROLE")
        String name;

        @Override
        public Integer call() {
            connection.api().delete("/admin/roles/" + encoded(name));
            System.out.println("deleted " + name);
            return 0;
        }
    }
}
