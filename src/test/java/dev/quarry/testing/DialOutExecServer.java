package dev.quarry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code codex exec-server} that dials out to Quarry: {@code --remote <quarry>/v1
 * --environment-id <id> --remote-transport direct --aws-sigv4 --aws-region us-east-1 --aws-service
 * bedrock-mantle}, signing with the environment's credential from {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}. Its stdout and stderr go to a log in the given folder.
 */
public final class DialOutExecServer implements AutoCloseable {
    private final Process process;
    private final Path log;

    private DialOutExecServer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts one in {@code workDir} (its own folder, where it also keeps its log). */
    public static DialOutExecServer start(Path workDir, String remoteUrl, String environmentId, String accessKeyId, String secret)
            throws IOException, InterruptedException {
        Path log = workDir.resolve("exec-server-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(ExecServerProcess.binary().toString(), "exec-server", "--remote", remoteUrl,
                "--environment-id", environmentId, "--remote-transport", "direct", "--aws-sigv4", "--aws-region", "us-east-1",
                "--aws-service", "bedrock-mantle")
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        return new DialOutExecServer(builder.start(), log);
    }

    /** Waits up to {@code seconds} for it to exit; its exit code, or {@code null} if it still runs. */
    public Integer exitWithin(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    /** Kills it with SIGKILL, as a crash would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** What it wrote so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) kill();
    }
}
