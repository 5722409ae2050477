package dev.quarry.cli;

import static dev.quarry.cli.AdminApi.encoded;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "groups", description = "Manage groups; policies attached to a group apply to its members.",
        subcommands = {GroupsCommand.Create.class, GroupsCommand.Add.class, GroupsCommand.Remove.class, GroupsCommand.ListGroups.class,
                GroupsCommand.Delete.class})
final class GroupsCommand {

    @Command(name = "create", description = "Create a group.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "GROUP")
        String name;

        @Override
        public Integer call() {
            print(connection.api().post("/admin/groups", AdminApi.JSON.createObjectNode().put("name", name)));
            return 0;
        }
    }

    /** What add and remove share: a group and one principal. */
    abstract static class MembershipCommand implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--group", required = true, paramLabel = "GROUP")
        String group;

        @Option(names = "--principal", required = true, paramLabel = "NAME")
        String principal;

        /** Adds or removes the member at that path. */
        abstract JsonNode change(AdminApi api, String membership);

        @Override
        public Integer call() {
            print(change(connection.api(), "/admin/groups/" + encoded(group) + "/members/" + encoded(principal)));
            return 0;
        }
    }

    @Command(name = "add", description = "Add a principal to a group.")
    static final class Add extends MembershipCommand {
        @Override
        JsonNode change(AdminApi api, String membership) {
            return api.put(membership, null);
        }
    }

    @Command(name = "remove", description = "Remove a principal from a group.")
    static final class Remove extends MembershipCommand {
        @Override
        JsonNode change(AdminApi api, String membership) {
            return api.delete(membership);
        }
    }

    @Command(name = "list", description = "List groups and their members.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/groups");
            output.print(reply, () -> {
                Table table = new Table("GROUP", "MEMBERS");
                reply.path("groups").forEach(g -> table.row(g.path("name").asText(), Table.joined(g.path("members"))));
                return table;
            });
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a group; its members stay, its policy attachments go.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "GROUP")
        String name;

        @Override
        public Integer call() {
            connection.api().delete("/admin/groups/" + encoded(name));
            System.out.println("deleted " + name);
            return 0;
        }
    }

    /** A group in one line: its name, then its members. */
    private static void print(JsonNode group) {
        System.out.print(new Table("GROUP", "MEMBERS").row(group.path("name").asText(), Table.joined(group.path("members"))).render());
    }
}
