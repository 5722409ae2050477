package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code quarry policy …} against a running Quarry, run in process. */
class PolicyCommandTest {
    private TestQuarry quarry;
    private Path data;

    @BeforeEach
    void start() {
        quarry = TestQuarry.start();
        data = quarry.dataDir();
    }

    @AfterEach
    void stop() {
        quarry.close();
    }

    @Test
    void aPolicyWrittenAndAttachedFromTheCommandLineDecidesTheSimulation() throws Exception {
        assertThat(run("keys", "create", "--name", "ops-bot").code()).isZero();
        Path file = Files.writeString(data.resolve("no-gpt.json"), """
                {"Statement": [{"Sid": "NoGpt", "Effect": "Deny", "Action": "quarry:InvokeModel", "Resource": "model/gpt-*",
                  "Condition": {"IpAddress": {"quarry:SourceIp": "10.0.0.0/8"}}}]}""");
        assertThat(run("policy", "put", "--name", "NoGpt", "--file", file.toString()).code()).isZero();
        assertThat(run("policy", "attach", "--name", "NoGpt", "--principal", "ops-bot").code()).isZero();

        QuarryCli.Output denied = run("policy", "simulate", "--principal", "ops-bot", "--action", "quarry:InvokeModel",
                "--resource", "model/gpt-5.5", "--context", "quarry:SourceIp=10.1.2.3");
        assertThat(denied.code()).isEqualTo(2);
        assertThat(denied.stdout()).contains("DENIED: quarry:InvokeModel on model/gpt-5.5 is denied by statement 'NoGpt' of policy 'NoGpt'");

        QuarryCli.Output allowed = run("policy", "simulate", "--principal", "ops-bot", "--action", "quarry:InvokeModel",
                "--resource", "model/gpt-5.5", "--context", "quarry:SourceIp=192.168.1.1");
        assertThat(allowed.code()).isZero();
        assertThat(allowed.stdout()).contains("ALLOWED:", "statement 'InvokeModels' of policy 'ModelAccess'");

        assertThat(run("policy", "list").stdout()).contains("AdministratorAccess", "ModelAccess", "NoGpt");
        assertThat(run("policy", "list", "--output", "json").stdout()).contains("\"policies\"", "\"NoGpt\"");
        assertThat(run("policy", "get", "--name", "NoGpt").stdout()).contains("\"Sid\" : \"NoGpt\"");
        assertThat(run("policy", "detach", "--name", "NoGpt", "--principal", "ops-bot").code()).isZero();
        assertThat(run("policy", "delete", "--name", "NoGpt").code()).isZero();
    }

    @Test
    void anInvalidDocumentOrUnknownNameIsReportedNotThrown() throws Exception {
        Path file = Files.writeString(data.resolve("bad.json"), """
                {"Statement": [{"Effect": "Allow", "Action": "quarry:Invoke", "Resource": "*"}]}""");
        QuarryCli.Output bad = run("policy", "put", "--name", "Bad", "--file", file.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.stderr()).contains("Statement[0].Action[0]", "'quarry:Invoke' names no known action", "(HTTP 400)");

        QuarryCli.Output unknown = run("policy", "simulate", "--principal", "nobody", "--action", "quarry:InvokeModel", "--resource", "model/x");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("no principal named 'nobody'");
    }

    private QuarryCli.Output run(String... args) {
        return QuarryCli.run(QuarryCli.against(quarry, args));
    }
}
