package dev.quarry.cli;

import dev.quarry.server.LogFormat;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code quarry}: the self-hosted model platform's command line. Apart from {@code serve} and
 * {@code audit verify}, every command is a client of a running Quarry's admin API.
 */
@Command(name = "quarry", mixinStandardHelpOptions = true, version = "quarry 0.1.0",
        description = {"One governed endpoint for every model and every client.",
                "Commands other than 'serve' and 'audit verify' call a running Quarry (--url, env QUARRY_URL), "
                        + "so each change is authorized by policy and audited under the caller's key."},
        subcommands = {HelpCommand.class, ServeCommand.class, KeysCommand.class, PrincipalsCommand.class, GroupsCommand.class,
                RolesCommand.class, StsCommand.class, ModelsCommand.class, AuditCommand.class, PolicyCommand.class, BudgetsCommand.class,
                PricesCommand.class, UsageCommand.class, ExperimentsCommand.class, CostCommand.class, CommitmentsCommand.class,
                AgentsCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ExitSafeLogManager.NAME);
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        // Commands print their results; only warnings of the libraries beneath belong with them.
        // 'serve' turns informational logs back on.
        LogFormat.install(Level.WARNING);
        return commandLine().execute(args);
    }

    /** The whole command tree, every command with --help and --version, failures printed as one line (exit 1). */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // Messages carry the server's words, which may quote names any caller chose.
                    cmd.getErr().println("quarry: " + Terminal.line(String.valueOf(e.getMessage())));
                    return 1;
                })
                // A mistake on the command line is one line, not the whole usage text.
                .setParameterExceptionHandler((e, given) -> {
                    CommandLine cmd = e.getCommandLine();
                    cmd.getErr().println("quarry: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
                    return cmd.getCommandSpec().exitCodeOnInvalidInput();
                });
        withHelp(line);
        return line;
    }

    /** Set here rather than on each annotation, so no command can be added without it ('help' brings its own). */
    private static void withHelp(CommandLine command) {
        if (command.getCommandSpec().findOption("--help") == null) command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(Main::withHelp);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
