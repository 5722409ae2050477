import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 18's "RSS under 2,000 concurrent slow streams": opens STREAMS streaming requests for the stub's
 * {@code bench-slow} model (20 chunks 500 ms apart, ~10 s each) at RATE per second, each on its own virtual
 * thread reading its stream to [DONE], so that all of them are open at once for several seconds; meanwhile it
 * samples the target's RSS every 100 ms. Writes one raw.tsv line: streams that completed, the most open at once
 * (in flight: from the request's send to the stream's end, so an output guard that holds the first frame back does
 * not hide a stream the target holds), RSS before and its maximum. Loopback only, bounded in time.
 *
 * Usage: java Hold NAME OUT.tsv PIDS URL STREAMS RATE [header:value ...]
 */
public final class Hold {
    static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        Load.name = args[0];
        Load.out = new PrintStream(Files.newOutputStream(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true, StandardCharsets.UTF_8);
        long[] pids = Procs.parse(args[2]);
        String url = Load.loopback(args[3]);
        int streams = Integer.parseInt(args[4]), rate = Integer.parseInt(args[5]);
        for (int i = 6; i < args.length; i++) Load.headers.add(args[i]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest req = HttpRequest.newBuilder(Load.request(url, Load.body("bench-slow", true)), (n, v) -> true)
                .timeout(STREAM_TIMEOUT).build();

        long rssBefore = Procs.rssKb(pids);
        AtomicLong rssMax = new AtomicLong(rssBefore), completed = new AtomicLong();
        AtomicInteger open = new AtomicInteger(), peak = new AtomicInteger();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                rssMax.accumulateAndGet(Procs.rssKb(pids), Math::max);
                try { Thread.sleep(100); } catch (InterruptedException e) { return; }
            }
        });
        long interval = 1_000_000_000L / rate, start = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                Load.waitUntil(start + i * interval);
                ex.execute(() -> {
                    peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                    try {
                        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                        try (BufferedReader rd = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                            if (r.statusCode() != 200) { Load.fail("http" + r.statusCode()); return; }
                            String line;
                            boolean done = false;
                            while ((line = rd.readLine()) != null) {
                                if (line.startsWith("data:") && line.contains("[DONE]")) done = true;
                            }
                            if (done) completed.incrementAndGet(); else Load.fail("no-DONE");
                        }
                    } catch (Exception e) {
                        Load.fail(e.getClass().getSimpleName());
                    } finally {
                        open.decrementAndGet();
                    }
                });
            }
            ex.shutdown();
            ex.awaitTermination(STREAM_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        }
        sampler.interrupt();
        Load.emit("hold", "slow_streams", streams, "completed=" + completed.get() + "\tpeak_open=" + peak.get()
                + "\trss_before_kb=" + rssBefore + "\trss_max_kb=" + rssMax.get() + "\tfailures=" + Load.takeFailures());
        System.exit(0);
    }
}
