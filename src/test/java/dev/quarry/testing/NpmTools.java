package dev.quarry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The command-line clients the acceptance tests drive (Codex CLI, Claude Code) and the JavaScript
 * SDKs they run scripts with, npm-installed at a pinned version into a per-user cache folder
 * outside the repository, once.
 */
public final class NpmTools {
    /** Pinned: the tools Codex declares and the request fields it sends change between versions. */
    public static final String CODEX = "@openai/codex@0.169.0";
    /** Pinned: the tools Claude Code declares, and the request fields it sends, change between versions. */
    public static final String CLAUDE_CODE = "@anthropic-ai/claude-code@2.1.330";
    /** Pinned: the version with which the SDK's GOAWAY after every event-stream answer's headers was found. */
    public static final String AWS_SDK_BEDROCK_RUNTIME = "@aws-sdk/client-bedrock-runtime@3.1178.0";

    private NpmTools() {}

    /** Whether npm is here to install them; tests that need one are skipped (with that reason) without it. */
    public static boolean npmAvailable() {
        return onPath("npm");
    }

    /** Whether node is here to run a script with an installed library. */
    public static boolean nodeAvailable() {
        return onPath("node");
    }

    /** The executable {@code bin} of {@code packageAtVersion}, installed first if missing. */
    public static Path install(String packageAtVersion, String bin) throws IOException, InterruptedException {
        Path prefix = prefix(packageAtVersion);
        Path executable = prefix.resolve("node_modules/.bin").resolve(bin);
        if (!Files.isExecutable(executable)) npmInstall(packageAtVersion, prefix);
        return executable;
    }

    /** The {@code node_modules} folder that holds the library {@code packageAtVersion}, installed first if missing. */
    public static Path installLibrary(String packageAtVersion) throws IOException, InterruptedException {
        Path prefix = prefix(packageAtVersion);
        Path modules = prefix.resolve("node_modules");
        String name = packageAtVersion.substring(0, packageAtVersion.lastIndexOf('@'));
        if (!Files.isRegularFile(modules.resolve(name).resolve("package.json"))) npmInstall(packageAtVersion, prefix);
        return modules;
    }

    private static Path prefix(String packageAtVersion) {
        String folder = packageAtVersion.substring(packageAtVersion.lastIndexOf('/') + 1).replace('@', '-');
        return Path.of(System.getProperty("user.home"), ".cache", "quarry-tests", folder);
    }

    private static void npmInstall(String packageAtVersion, Path prefix) throws IOException, InterruptedException {
        Files.createDirectories(prefix);
        Process npm = new ProcessBuilder("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                "--loglevel=error", packageAtVersion)
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm install finished").isTrue();
        assertThat(npm.exitValue()).as("npm install " + packageAtVersion + ":\n" + out).isZero();
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }
}
