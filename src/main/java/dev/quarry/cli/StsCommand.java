package dev.quarry.cli;

import dev.quarry.identity.Roles;
import dev.quarry.server.KeyJson;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sts", description = "Temporary credentials.", subcommands = StsCommand.AssumeRole.class)
final class StsCommand {

    @Command(name = "assume-role",
            description = "Issue temporary credentials of a role to a principal its trust names, printed as JSON, once. "
                    + "An operator tool: it reads the store directly, so policies on quarry:AssumeRole do not apply.")
    static final class AssumeRole implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--role", required = true, paramLabel = "ROLE")
        String role;

        @Option(names = "--principal", required = true, paramLabel = "NAME", description = "Who assumes the role.")
        String principal;

        @Option(names = "--duration-seconds", paramLabel = "N", description = "900 to 43200 (default: 3600).")
        Long durationSeconds;

        @Override
        public Integer call() {
            Duration duration = durationSeconds == null ? Roles.DEFAULT_SESSION : Duration.ofSeconds(durationSeconds);
            var session = IdentityAccess.with(options, store -> store.roles().assume(role, principal, duration));
            System.out.println(KeyJson.session(session).toPrettyString());
            return 0;
        }
    }
}
