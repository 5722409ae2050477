package dev.quarry.cli;

import static dev.quarry.cli.AdminApi.encoded;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "keys", description = "Manage API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Disable.class, KeysCommand.Enable.class,
                KeysCommand.Delete.class})
final class KeysCommand {

    @Command(name = "create", description = "Create a key for a principal (created as a user if new): an API key and an AWS-style "
            + "access key pair, printed as JSON, once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The principal the key belongs to.")
        String name;

        @Override
        public Integer call() {
            System.out.println(Terminal.json(connection.api().post("/admin/keys", AdminApi.JSON.createObjectNode().put("name", name))));
            return 0;
        }
    }

    @Command(name = "list", description = "List a principal's keys, never their secrets.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The principal whose keys to list.")
        String name;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/principals/" + encoded(name) + "/keys");
            output.print(reply, () -> {
                Table table = new Table("KEY_ID", "PREFIX", "STATUS", "CREATED", "LAST_USED", "EXPIRES", "DESCRIPTION");
                for (JsonNode k : reply.path("keys")) {
                    table.row(Table.cell(k.get("key_id")), Table.cell(k.get("prefix")), Table.cell(k.get("status")), Table.cell(k.get("created_at")),
                            Table.cell(k.get("last_used_at")), Table.cell(k.get("expires_at")), Table.cell(k.get("description")));
                }
                return table;
            });
            return 0;
        }
    }

    @Command(name = "disable", description = "Disable a key; a running server refuses it from then on.")
    static final class Disable extends KeyChange {
        Disable() {
            super("disable");
        }
    }

    @Command(name = "enable", description = "Enable a disabled key again.")
    static final class Enable extends KeyChange {
        Enable() {
            super("enable");
        }
    }

    @Command(name = "delete", description = "Delete a key for good; a running server refuses it from then on.")
    static final class Delete extends KeyChange {
        Delete() {
            super(null);
        }
    }

    /** A change to one key named by its id, reported in one line. */
    abstract static class KeyChange implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(paramLabel = "KEY_ID", description = "The key's id (key-…), as 'quarry keys list --name NAME' shows it.")
        String keyId;

        /** The admin API's verb for the change, or {@code null} for deleting the key. */
        private final String verb;

        KeyChange(String verb) {
            this.verb = verb;
        }

        @Override
        public Integer call() {
            String path = "/admin/keys/" + encoded(keyId);
            if (verb == null) {
                connection.api().delete(path);
                System.out.println("deleted " + keyId);
            } else {
                System.out.println(Terminal.line(connection.api().post(path + "/" + verb, null).path("status").asText() + " " + keyId));
            }
            return 0;
        }
    }
}
