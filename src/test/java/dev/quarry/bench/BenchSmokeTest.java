package dev.quarry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seconds-long smoke of the benchmark harness under bench/ (not a benchmark): the stub answers both
 * shapes, the open-loop generator runs its whole suite at a tiny scale against it, and the report
 * renders. The real run is bench/run.
 */
class BenchSmokeTest {
    private static final Path SRC = Path.of(System.getProperty("user.dir"), "bench", "src");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void stubLoadGeneratorAndReportWorkEndToEnd(@TempDir Path dir) throws Exception {
        Process stub = new ProcessBuilder(JAVA, SRC.resolve("Stub.java").toString(), "0", "20", "1")
                .redirectErrorStream(true).start();
        try {
            BufferedReader stubOut = new BufferedReader(new InputStreamReader(stub.getInputStream(), StandardCharsets.UTF_8));
            String ready = stubOut.readLine();
            assertThat(ready).startsWith("stub listening on 127.0.0.1:");
            String port = ready.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1");
            Path raw = dir.resolve("raw.tsv");

            run(dir, JAVA, "-Dbench.scale=0.05", SRC.resolve("Load.java").toString(), "direct", raw.toString(), "-",
                    "http://127.0.0.1:" + port + "/v1/chat/completions");

            List<String> lines = Files.readAllLines(raw);
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("phase=low").contains("err=0"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("kind=stream_detail\tphase=stream\t").contains("frames_min=22\tframes_max=22"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("phase=sweep\trate=100\t").contains("err=0"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("kind=count").matches(".*attempted=(\\d+)\tserved=\\1$"));

            Files.writeString(dir.resolve("machine.txt"), "cpu=test\nmem=test\njava=test\nkernel=test\nnginx=-\nportkey=-\nquarry=-\ndate=-\n");
            run(dir, JAVA, "-Djava.awt.headless=true", SRC.resolve("Report.java").toString(), raw.toString(),
                    dir.resolve("machine.txt").toString(), dir.toString());
            assertThat(Files.readString(dir.resolve("RESULTS.md"))).contains("| direct |");
            assertThat(Files.size(dir.resolve("overhead.png"))).isPositive();
        } finally {
            stub.destroy();
            stub.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        assertThat(done).as("finished in time").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("out.log"))).isZero();
    }
}
