package dev.quarry.cli;

import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Actions;
import dev.quarry.policy.Decision;
import dev.quarry.policy.PolicyStore;
import dev.quarry.policy.PolicyTarget;
import dev.quarry.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code quarry policy …}: policies straight in the store, as an operator with access to it.
 * Running servers pick every change up within a second.
 */
@Command(name = "policy", description = "Write, attach and simulate IAM-style policies.", subcommands = {
        PolicyCommand.Put.class, PolicyCommand.Get.class, PolicyCommand.ListPolicies.class, PolicyCommand.Delete.class,
        PolicyCommand.Attach.class, PolicyCommand.Detach.class, PolicyCommand.Simulate.class})
final class PolicyCommand {
    private PolicyCommand() {}

    /** Runs one piece of work against the configured store. */
    private static int withStore(Options options, Function<PolicyStore, String> work) {
        try (Database db = options.load().openStore()) {
            System.out.println(work.apply(new PolicyStore(db, Clock.systemUTC())));
            return 0;
        }
    }

    @Command(name = "put", description = "Create or replace a policy from a JSON file; it is validated first.")
    static final class Put implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--file", required = true, paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            String document = Files.readString(file);
            return withStore(options, store -> {
                store.put(name, document);
                return "Policy '" + name + "' saved.";
            });
        }
    }

    @Command(name = "get", description = "Print a policy's document.")
    static final class Get implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() {
            return withStore(options, store -> store.document(name));
        }
    }

    @Command(name = "list", description = "List policy names.")
    static final class ListPolicies implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            return withStore(options, store -> String.join(System.lineSeparator(), store.names()));
        }
    }

    @Command(name = "delete", description = "Delete a policy that is no longer attached.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() {
            return withStore(options, store -> {
                store.delete(name);
                return "Policy '" + name + "' deleted.";
            });
        }
    }

    /** Exactly one of --principal and --group. */
    static final class Target {
        @Option(names = "--principal", required = true)
        String principal;

        @Option(names = "--group", required = true)
        String group;

        PolicyTarget target() {
            return principal != null ? PolicyTarget.principal(principal) : PolicyTarget.group(group);
        }
    }

    /** What attach and detach share: a policy and the principal or group it goes to or leaves. */
    abstract static class AttachmentCommand implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, description = "The policy.")
        String name;

        @ArgGroup(multiplicity = "1")
        Target target;

        /** Makes the change and says what was done. */
        abstract String change(PolicyStore store, String policy, PolicyTarget target);

        @Override
        public Integer call() {
            return withStore(options, store -> change(store, name, target.target()));
        }
    }

    @Command(name = "attach", description = "Attach a policy to a principal or a group.")
    static final class Attach extends AttachmentCommand {
        @Override
        String change(PolicyStore store, String policy, PolicyTarget target) {
            store.attach(policy, target);
            return "Policy '" + policy + "' attached to " + target + ".";
        }
    }

    @Command(name = "detach", description = "Detach a policy from a principal or a group.")
    static final class Detach extends AttachmentCommand {
        @Override
        String change(PolicyStore store, String policy, PolicyTarget target) {
            store.detach(policy, target);
            return "Policy '" + policy + "' detached from " + target + ".";
        }
    }

    @Command(name = "simulate", description = "Show how a request would be decided, and why. Exit 0 if allowed, 2 if denied.")
    static final class Simulate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Options options;

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
            if (!Actions.isKnown(action)) throw new ParameterException(spec.commandLine(), "'" + action + "' is not a Quarry action; known: " + Actions.ALL);
            AccessRequest request = new AccessRequest(action, resource, context());
            try (Database db = options.load().openStore()) {
                Decision decision = new PolicyStore(db, Clock.systemUTC()).simulate(principal, request);
                System.out.println((decision.allowed() ? "ALLOWED: " : "DENIED: ") + decision.explain(request));
                return decision.allowed() ? 0 : 2;
            }
        }

        private Map<String, List<String>> context() {
            Map<String, List<String>> keys = new HashMap<>();
            for (String pair : context) {
                int eq = pair.indexOf('=');
                if (eq <= 0) throw new ParameterException(spec.commandLine(), "--context takes KEY=VALUE (got '" + pair + "')");
                keys.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
            }
            return keys;
        }
    }
}
