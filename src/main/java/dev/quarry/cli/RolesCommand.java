package dev.quarry.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "roles", description = "Manage roles that principals assume for temporary credentials.", subcommands = RolesCommand.Create.class)
final class RolesCommand {

    @Command(name = "create", description = "Create a role and say who may assume it.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "ROLE")
        String name;

        @Option(names = "--trust", required = true, paramLabel = "NAME|group:GROUP",
                description = "A principal, or every member of a group, allowed to assume the role; repeat for more.")
        List<String> trust;

        @Override
        public Integer call() {
            var role = IdentityAccess.with(options, store -> store.roles().create(name, trust, Map.of()));
            System.out.println(IdentityAccess.line(role) + "  trusts " + String.join(",", trust));
            return 0;
        }
    }
}
