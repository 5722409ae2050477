package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarry policy …} against the store in a data folder, run in process. */
class PolicyCommandTest {
    @TempDir
    Path data;

    @Test
    void aPolicyWrittenAndAttachedFromTheCommandLineDecidesTheSimulation() throws Exception {
        assertThat(run("keys", "create", "--name", "ops-bot").code()).isZero();
        Path file = Files.writeString(data.resolve("no-gpt.json"), """
                {"Statement": [{"Sid": "NoGpt", "Effect": "Deny", "Action": "quarry:InvokeModel", "Resource": "model/gpt-*",
                  "Condition": {"IpAddress": {"quarry:SourceIp": "10.0.0.0/8"}}}]}""");
        assertThat(run("policy", "put", "--name", "NoGpt", "--file", file.toString()).code()).isZero();
        assertThat(run("policy", "attach", "--name", "NoGpt", "--principal", "ops-bot").code()).isZero();

        Output denied = run("policy", "simulate", "--principal", "ops-bot", "--action", "quarry:InvokeModel",
                "--resource", "model/gpt-5.5", "--context", "quarry:SourceIp=10.1.2.3");
        assertThat(denied.code()).isEqualTo(2);
        assertThat(denied.stdout()).contains("DENIED: quarry:InvokeModel on model/gpt-5.5 is denied by statement 'NoGpt' of policy 'NoGpt'");

        Output allowed = run("policy", "simulate", "--principal", "ops-bot", "--action", "quarry:InvokeModel",
                "--resource", "model/gpt-5.5", "--context", "quarry:SourceIp=192.168.1.1");
        assertThat(allowed.code()).isZero();
        assertThat(allowed.stdout()).contains("ALLOWED:", "statement 'InvokeModels' of policy 'ModelAccess'");

        assertThat(run("policy", "list").stdout()).contains("AdministratorAccess", "ModelAccess", "NoGpt");
        assertThat(run("policy", "get", "--name", "NoGpt").stdout()).contains("\"Sid\": \"NoGpt\"");
        assertThat(run("policy", "detach", "--name", "NoGpt", "--principal", "ops-bot").code()).isZero();
        assertThat(run("policy", "delete", "--name", "NoGpt").code()).isZero();
    }

    @Test
    void anInvalidDocumentOrUnknownNameIsReportedNotThrown() throws Exception {
        Path file = Files.writeString(data.resolve("bad.json"), """
                {"Statement": [{"Effect": "Allow", "Action": "quarry:Invoke", "Resource": "*"}]}""");
        Output bad = run("policy", "put", "--name", "Bad", "--file", file.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.stderr()).contains("Statement[0].Action[0]: 'quarry:Invoke' names no known action");

        Output unknown = run("policy", "simulate", "--principal", "nobody", "--action", "quarry:InvokeModel", "--resource", "model/x");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("no principal named 'nobody'");
    }

    record Output(int code, String stdout, String stderr) {}

    private Output run(String... args) {
        String[] withData = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--data", data.toString()))
                .toArray(String[]::new);
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(withData);
            return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
