package dev.quarry.cli;

import dev.quarry.identity.KeyStore;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.server.KeyJson;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keys", description = "Manage API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Disable.class, KeysCommand.Enable.class,
                KeysCommand.Delete.class})
final class KeysCommand {

    @Command(name = "create", description = "Create a key for a principal (created if new): an API key and an AWS-style access key pair, printed as JSON, once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The principal the key belongs to.")
        String name;

        @Override
        public Integer call() {
            var key = IdentityAccess.with(options, store -> store.createKey(name, PrincipalKind.USER));
            System.out.println(KeyJson.of(key).toPrettyString());
            return 0;
        }
    }

    @Command(name = "list", description = "List a principal's keys (never their secrets) as JSON lines.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The principal whose keys to list.")
        String name;

        @Override
        public Integer call() {
            Instant now = Instant.now();
            IdentityAccess.with(options, store -> store.keys().list(name)).forEach(k -> System.out.println(KeyJson.listed(k, now)));
            return 0;
        }
    }

    @Command(name = "disable", description = "Disable a key; a running server refuses it within a second.")
    static final class Disable extends KeyChange {
        Disable() {
            super("disabled", (keys, id) -> keys.disable(id));
        }
    }

    @Command(name = "enable", description = "Enable a disabled key again.")
    static final class Enable extends KeyChange {
        Enable() {
            super("enabled", (keys, id) -> keys.enable(id));
        }
    }

    @Command(name = "delete", description = "Delete a key for good; a running server refuses it within a second.")
    static final class Delete extends KeyChange {
        Delete() {
            super("deleted", (keys, id) -> keys.delete(id));
        }
    }

    /** A change to one key named by its id, reported in one line. */
    abstract static class KeyChange implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--key", required = true, paramLabel = "KEY_ID", description = "The key's id (key-…), as 'quarry keys list' shows it.")
        String keyId;

        private final String done;
        private final BiConsumer<KeyStore, String> change;

        KeyChange(String done, BiConsumer<KeyStore, String> change) {
            this.done = done;
            this.change = change;
        }

        @Override
        public Integer call() {
            IdentityAccess.with(options, store -> {
                change.accept(store.keys(), keyId);
                return null;
            });
            System.out.println(done + " " + keyId);
            return 0;
        }
    }
}
