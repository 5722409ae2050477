package dev.quarry.cli;

import dev.quarry.identity.Groups;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "groups", description = "Manage groups; policies attached to a group apply to its members.",
        subcommands = {GroupsCommand.Create.class, GroupsCommand.Add.class, GroupsCommand.Remove.class, GroupsCommand.ListGroups.class})
final class GroupsCommand {

    @Command(name = "create", description = "Create a group.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "GROUP")
        String name;

        @Override
        public Integer call() {
            print(IdentityAccess.with(options, store -> store.groups().create(name)));
            return 0;
        }
    }

    /** What add and remove share: a group and one principal. */
    abstract static class MembershipCommand implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--group", required = true, paramLabel = "GROUP")
        String group;

        @Option(names = "--principal", required = true, paramLabel = "NAME")
        String principal;

        abstract Groups.Group change(Groups groups, String group, String principal);

        @Override
        public Integer call() {
            print(IdentityAccess.with(options, store -> change(store.groups(), group, principal)));
            return 0;
        }
    }

    @Command(name = "add", description = "Add a principal to a group.")
    static final class Add extends MembershipCommand {
        @Override
        Groups.Group change(Groups groups, String group, String principal) {
            return groups.add(group, principal);
        }
    }

    @Command(name = "remove", description = "Remove a principal from a group.")
    static final class Remove extends MembershipCommand {
        @Override
        Groups.Group change(Groups groups, String group, String principal) {
            return groups.remove(group, principal);
        }
    }

    @Command(name = "list", description = "List groups and their members.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            IdentityAccess.with(options, store -> store.groups().list()).forEach(GroupsCommand::print);
            return 0;
        }
    }

    /** One line per group: its name, then its members. */
    private static void print(Groups.Group group) {
        System.out.println(("%-24s %s".formatted(group.name(), String.join(",", group.members()))).stripTrailing());
    }
}
