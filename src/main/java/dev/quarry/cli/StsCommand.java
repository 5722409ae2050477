package dev.quarry.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sts", description = "Temporary credentials.", subcommands = StsCommand.AssumeRole.class)
final class StsCommand {

    @Command(name = "assume-role",
            description = "Assume a role as the principal whose key calls (--key, or QUARRY_ADMIN_KEY): temporary credentials, "
                    + "printed as JSON, once. Policy must allow quarry:AssumeRole on role/ROLE, and the role's trust must name "
                    + "the caller or a group of it.")
    static final class AssumeRole implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--role", required = true, paramLabel = "ROLE")
        String role;

        @Option(names = "--duration-seconds", paramLabel = "N", description = "900 to 43200 (default: 3600).")
        Integer durationSeconds;

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode().put("role", role);
            if (durationSeconds != null) body.put("duration_seconds", durationSeconds);
            System.out.println(Terminal.json(connection.api().post("/sts/assume-role", body)));
            return 0;
        }
    }
}
