package dev.quarry.cli;

import static dev.quarry.cli.AdminApi.encoded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code quarry policy …}: the admin API's policy calls; a change is in force on the server when the command returns. */
@Command(name = "policy", description = "Write, attach and simulate IAM-style policies.", subcommands = {
        PolicyCommand.Put.class, PolicyCommand.Get.class, PolicyCommand.ListPolicies.class, PolicyCommand.Delete.class,
        PolicyCommand.Attach.class, PolicyCommand.Detach.class, PolicyCommand.Simulate.class})
final class PolicyCommand {
    private PolicyCommand() {}

    private static String path(String policy) {
        return "/admin/policies/" + encoded(policy);
    }

    @Command(name = "put", description = "Create or replace a policy from a JSON file; the server validates it first.")
    static final class Put implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--file", required = true, paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            JsonNode document;
            try {
                document = AdminApi.JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new CliFailure(file + " is not a readable JSON policy document: " + e.getMessage().lines().findFirst().orElse(""));
            }
            connection.api().put(path(name), document);
            System.out.println("Policy '" + name + "' saved.");
            return 0;
        }
    }

    @Command(name = "get", description = "Print a policy's document.")
    static final class Get implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() {
            System.out.println(Terminal.json(connection.api().get(path(name)).path("document")));
            return 0;
        }
    }

    @Command(name = "list", description = "List policy names.")
    static final class ListPolicies implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/policies");
            output.print(reply, () -> {
                Table table = new Table("POLICY");
                reply.path("policies").forEach(p -> table.row(p.asText()));
                return table;
            });
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a policy that is no longer attached.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() {
            connection.api().delete(path(name));
            System.out.println("Policy '" + name + "' deleted.");
            return 0;
        }
    }

    /** Exactly one of --principal and --group. */
    static final class Target {
        @Option(names = "--principal", required = true)
        String principal;

        @Option(names = "--group", required = true)
        String group;

        ObjectNode json() {
            return AdminApi.JSON.createObjectNode().put("target_type", principal != null ? "principal" : "group")
                    .put("target_name", principal != null ? principal : group);
        }

        @Override
        public String toString() {
            return principal != null ? "principal/" + principal : "group/" + group;
        }
    }

    /** Attach and detach: one policy, exactly one principal or group, one call on its attachments. */
    abstract static class AttachmentChange implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true, description = "The policy.")
        String name;

        @ArgGroup(multiplicity = "1")
        Target target;

        /** Sends the change; returns the past participle for the confirmation, e.g. "attached to". */
        abstract String change(AdminApi api, String attachments, ObjectNode target);

        @Override
        public Integer call() {
            String done = change(connection.api(), path(name) + "/attachments", target.json());
            System.out.println("Policy '" + name + "' " + done + " " + target + ".");
            return 0;
        }
    }

    @Command(name = "attach", description = "Attach a policy to a principal or a group.")
    static final class Attach extends AttachmentChange {
        @Override
        String change(AdminApi api, String attachments, ObjectNode target) {
            api.post(attachments, target);
            return "attached to";
        }
    }

    @Command(name = "detach", description = "Detach a policy from a principal or a group.")
    static final class Detach extends AttachmentChange {
        @Override
        String change(AdminApi api, String attachments, ObjectNode target) {
            api.delete(attachments, target);
            return "detached from";
        }
    }

    @Command(name = "simulate", description = "Show how a request would be decided, and why. Exit 0 if allowed, 2 if denied.")
    static final class Simulate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Option(names = "--principal", required = true)
        String principal;

        @Option(names = "--action", required = true, description = "e.g. quarry:InvokeModel")
        String action;

        @Option(names = "--resource", required = true, description = "e.g. model/gpt-5.5")
        String resource;

        @Option(names = "--context", paramLabel = "KEY=VALUE", description = "A condition key's value, e.g. quarry:SourceIp=10.0.0.7; repeat a key for several values.")
        List<String> context = List.of();

        @Override
        public Integer call() {
            ObjectNode request = AdminApi.JSON.createObjectNode().put("principal", principal).put("action", action).put("resource", resource);
            request.set("context", context());
            JsonNode decision = connection.api().post("/admin/policies/simulate", request);
            boolean allowed = decision.path("allowed").asBoolean();
            System.out.println((allowed ? "ALLOWED: " : "DENIED: ") + Terminal.line(decision.path("explanation").asText()));
            return allowed ? 0 : 2;
        }

        /** Each key with its values, as the simulator takes them. */
        private ObjectNode context() {
            ObjectNode keys = AdminApi.JSON.createObjectNode();
            for (String pair : context) {
                int eq = pair.indexOf('=');
                if (eq <= 0) throw new ParameterException(spec.commandLine(), "--context takes KEY=VALUE (got '" + pair + "')");
                String key = pair.substring(0, eq);
                (keys.get(key) instanceof ArrayNode values ? values : keys.putArray(key)).add(pair.substring(eq + 1));
            }
            return keys;
        }
    }
}
