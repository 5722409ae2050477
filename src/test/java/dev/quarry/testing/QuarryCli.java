package dev.quarry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Runs the {@code quarry} command line in process and captures what it prints. */
public final class QuarryCli {

    public record Output(int code, String stdout, String stderr) {}

    private QuarryCli() {}

    /** Runs a command line; serialized, since it swaps the process's standard streams. */
    public static synchronized Output run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /**
     * The arguments with {@code --url} and {@code --data} of a running Quarry added: a command run
     * next to that server, calling it with the admin key it keeps in its data folder.
     */
    public static String[] against(TestQuarry quarry, String... args) {
        String[] withServer = Arrays.copyOf(args, args.length + 4);
        withServer[args.length] = "--url";
        withServer[args.length + 1] = quarry.baseUrl();
        withServer[args.length + 2] = "--data";
        withServer[args.length + 3] = quarry.dataDir().toString();
        return withServer;
    }

    /** Runs a command line that must succeed; what it printed. */
    public static String succeed(String... args) {
        Output output = run(args);
        assertThat(output.code()).as(String.join(" ", args) + " → " + output.stdout() + output.stderr()).isZero();
        return output.stdout();
    }
}
