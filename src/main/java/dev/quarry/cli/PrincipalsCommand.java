package dev.quarry.cli;

import dev.quarry.identity.PrincipalKind;
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
        Options options;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--kind", defaultValue = "user", paramLabel = "KIND", description = "user, service or agent (default: ${DEFAULT-VALUE}).")
        String kind;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; repeat for more.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Override
        public Integer call() {
            System.out.println(IdentityAccess.line(IdentityAccess.with(options, store -> store.createPrincipal(name, PrincipalKind.creatable(kind), tags))));
            return 0;
        }
    }

    @Command(name = "list", description = "List principals with their kinds and tags.")
    static final class ListPrincipals implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            IdentityAccess.with(options, store -> store.principals()).forEach(p -> System.out.println(IdentityAccess.line(p)));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a principal with its keys, tags, memberships and trust entries naming it.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            IdentityAccess.with(options, store -> {
                store.deletePrincipal(name);
                return null;
            });
            System.out.println("deleted " + name);
            return 0;
        }
    }

    @Command(name = "tag", description = "Set or remove tags of a principal; tags not named stay as they are.")
    static final class Tag implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag to set; repeat for more.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(names = "--remove", paramLabel = "KEY", description = "A tag to remove; repeat for more.")
        List<String> remove = new ArrayList<>();

        @Override
        public Integer call() {
            var principal = IdentityAccess.with(options, store -> {
                if (!tags.isEmpty()) store.tag(name, tags);
                return remove.isEmpty() ? store.principal(name).orElseThrow() : store.untag(name, remove);
            });
            System.out.println(IdentityAccess.line(principal));
            return 0;
        }
    }
}
