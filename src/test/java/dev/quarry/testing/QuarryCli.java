package dev.quarry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    /** The arguments with {@code --data DIR} added, for commands run against one data folder. */
    public static String[] inData(Path data, String... args) {
        String[] withData = Arrays.copyOf(args, args.length + 2);
        withData[args.length] = "--data";
        withData[args.length + 1] = data.toString();
        return withData;
    }

    /** Runs a command line that must succeed; what it printed. */
    public static String succeed(String... args) {
        Output output = run(args);
        assertThat(output.code()).as(String.join(" ", args) + " → " + output.stdout() + output.stderr()).isZero();
        return output.stdout();
    }
}
