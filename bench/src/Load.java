import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop, constant-arrival-rate load generator. Request i is due at start + i/rate; a scheduler
 * thread waits for that instant and hands the send to a fresh virtual thread, never waiting for
 * earlier replies, and latency is measured from the DUE time, not from the actual send, so a stalled
 * target cannot hide its queueing (no coordinated omission). Percentiles come from sorting every
 * sample (exact). Only loopback URLs are accepted; every step is bounded in time.
 *
 * Usage: java Load NAME OUT.tsv PIDS(comma list or -) URL [header:value ...]
 * (URL = the target's /v1/chat/completions; models bench-zero, bench-d20, bench-paced select the stub's behaviour)
 * -Dbench.scale=F multiplies every step's duration (the smoke test uses a small F).
 * Runs the per-target suite: warm-up, low-rate latency, streaming, a rate sweep on the 20 ms path.
 */
public final class Load {
    static final String BODY_ZERO = body("bench-zero", false), BODY_D20 = body("bench-d20", false), STREAM_BODY = body("bench-paced", true);

    static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}]}";
    }
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final long STUB_DELAY_US = 20_000;
    /** Multiplies every step's duration; below 1 (the smoke test) the sweep also stops after two steps. */
    static final double SCALE = Double.parseDouble(System.getProperty("bench.scale", "1"));

    static HttpClient client;
    static List<String> headers = new ArrayList<>();
    static PrintStream out;
    static String name;
    static long[] pids = new long[0];
    static final AtomicLong rssMax = new AtomicLong();
    /** Every request answered in full (200 and, for streams, through [DONE]) over all phases, warm-up included. */
    static final AtomicLong served = new AtomicLong(), attempted = new AtomicLong();

    /** cpuTicks: the target's utime + stime over the step (clock ticks), for CPU per request served. */
    record Stats(int sent, int ok, int err, long p50, long p90, long p99, long max, String failures, long cpuTicks) {}
    /** Why requests of the current step failed: HTTP status or exception class, with counts. */
    static final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> failures = new java.util.concurrent.ConcurrentHashMap<>();

    static void fail(String why) { failures.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet(); }
    /** ttft: to the first data frame (OpenAI's role chunk, empty content); ttfc: to the first frame with text in it. */
    record StreamStats(Stats total, long ttft50, long ttft99, long gap50, long gap99, int framesMin, int framesMax, long ttfc50, long ttfc99) {}
    static final java.util.regex.Pattern TEXT = java.util.regex.Pattern.compile("\"content\":\"[^\"]");

    public static void main(String[] args) throws Exception {
        name = args[0];
        out = new PrintStream(Files.newOutputStream(Path.of(args[1]), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND), true, StandardCharsets.UTF_8);
        pids = Procs.parse(args[2]);
        String zero = loopback(args[3]), delayed = zero, streamUrl = zero;
        for (int i = 4; i < args.length; i++) headers.add(args[i]);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(TIMEOUT).build();

        emit("rss", "idle", 0, "rss_kb=" + rssKb());
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                rssMax.accumulateAndGet(rssKb(), Math::max);
                try { Thread.sleep(200); } catch (InterruptedException e) { return; }
            }
        });

        // Warm-up (results discarded): the JIT of both the target and this generator.
        emitStats("warmup", 300, run(zero, BODY_ZERO, 300, 6, false));
        emitStats("warmup_d20", 300, run(delayed, BODY_D20, 300, 3, false));
        emitStats("warmup_stream", 40, runStream(streamUrl, 40, 3).total());

        // Low-rate latency: ~concurrency 1 (each reply takes well under the 10 ms spacing).
        Stats low = run(zero, BODY_ZERO, 100, 6, false);
        emitStats("low", 100, low);

        // Streaming: paced SSE (20 chunks 5 ms apart), a few streams at a time.
        StreamStats st = runStream(streamUrl, 20, 4);
        emitStats("stream", 20, st.total());
        emit("stream_detail", "stream", 20, "ttft_p50_us=" + st.ttft50() + "\tttft_p99_us=" + st.ttft99()
                + "\tgap_p50_us=" + st.gap50() + "\tgap_p99_us=" + st.gap99()
                + "\tframes_min=" + st.framesMin() + "\tframes_max=" + st.framesMax()
                + "\tttfc_p50_us=" + st.ttfc50() + "\tttfc_p99_us=" + st.ttfc99());
        // Concurrent streams: 200 streams/s of ~100 ms each, ~20 held open at once.
        StreamStats many = runStream(streamUrl, 200, 3);
        emitStats("streams20", 200, many.total());
        emit("stream_detail", "streams20", 200, "ttft_p50_us=" + many.ttft50() + "\tttft_p99_us=" + many.ttft99()
                + "\tgap_p50_us=" + many.gap50() + "\tgap_p99_us=" + many.gap99()
                + "\tframes_min=" + many.framesMin() + "\tframes_max=" + many.framesMax()
                + "\tttfc_p50_us=" + many.ttfc50() + "\tttfc_p99_us=" + many.ttfc99());

        // Rate sweep against the 20 ms stub; stop once the added p99 passes 50 ms or errors exceed 1%.
        int[] rates = {100, 200, 400, 800, 1200, 1600, 2400, 3200, 4800};
        for (int rate : rates) {
            Stats s = run(delayed, BODY_D20, rate, 3, false);
            emitStats("sweep", rate, s);
            if (s.p99() - STUB_DELAY_US > 50_000 || s.err() > s.sent() / 100 || (SCALE < 1 && rate >= 200)) break;
            Thread.sleep((long) (500 * Math.min(1, SCALE)));
        }
        emit("rss", "load_max", 0, "rss_kb=" + rssMax.get());
        emit("count", "all", 0, "attempted=" + attempted.get() + "\tserved=" + served.get());
        Thread.sleep((long) (5000 * Math.min(1, SCALE)));
        System.gc();
        emit("rss", "after", 0, "rss_kb=" + rssKb());
        sampler.interrupt();
        System.exit(0);
    }

    static String loopback(String url) {
        String host = URI.create(url).getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("[::1]"))
            throw new IllegalArgumentException("only loopback targets are allowed: " + url);
        return url;
    }

    static HttpRequest request(String url, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String h : headers) {
            int c = h.indexOf(':');
            b.header(h.substring(0, c), h.substring(c + 1));
        }
        return b.build();
    }

    /** Non-streaming open-loop step; returns latency stats in microseconds from the due time. */
    static Stats run(String url, String body, int rate, int seconds, boolean unused) throws InterruptedException {
        int n = Math.max(1, (int) (rate * seconds * SCALE));
        long[] lat = new long[n];
        Arrays.fill(lat, -1);
        long interval = 1_000_000_000L / rate;
        HttpRequest req = request(url, body);
        long ticks = Procs.cpuTicks(pids);
        long start = System.nanoTime() + 20_000_000L;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = start + i * interval;
                waitUntil(due);
                final int idx = i;
                attempted.incrementAndGet();
                ex.execute(() -> {
                    try {
                        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() == 200) { lat[idx] = (System.nanoTime() - due) / 1000; served.incrementAndGet(); }
                        else fail("http" + r.statusCode());
                    } catch (Exception e) { fail(e.getClass().getSimpleName()); }
                });
            }
            ex.shutdown();
            ex.awaitTermination(TIMEOUT.toSeconds() + 2, TimeUnit.SECONDS); // bounded: requests time out at 2 s
        }
        return stats(lat, Procs.cpuTicks(pids) - ticks);
    }

    static StreamStats runStream(String url, int rate, int seconds) throws InterruptedException {
        int n = Math.max(1, (int) (rate * seconds * SCALE));
        long[] lat = new long[n], ttft = new long[n], ttfc = new long[n];
        int[] frames = new int[n];
        Arrays.fill(lat, -1);
        Arrays.fill(ttft, -1);
        Arrays.fill(ttfc, -1);
        ConcurrentLinkedQueue<Long> gaps = new ConcurrentLinkedQueue<>();
        long interval = 1_000_000_000L / rate;
        HttpRequest req = request(url, STREAM_BODY);
        long ticks = Procs.cpuTicks(pids);
        long start = System.nanoTime() + 20_000_000L;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = start + i * interval;
                waitUntil(due);
                final int idx = i;
                attempted.incrementAndGet();
                ex.execute(() -> {
                    try {
                        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                        try (BufferedReader rd = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                            if (r.statusCode() != 200) { fail("http" + r.statusCode()); return; }
                            String line;
                            long last = -1;
                            int f = 0;
                            boolean done = false;
                            while ((line = rd.readLine()) != null) {
                                if (!line.startsWith("data:")) continue;
                                long now = System.nanoTime();
                                if (line.contains("[DONE]")) { done = true; continue; }
                                if (ttfc[idx] < 0 && TEXT.matcher(line).find()) ttfc[idx] = (now - due) / 1000;
                                if (f == 0) ttft[idx] = (now - due) / 1000;
                                else gaps.add((now - last) / 1000);
                                last = now;
                                f++;
                            }
                            frames[idx] = f;
                            if (done) { lat[idx] = (System.nanoTime() - due) / 1000; served.incrementAndGet(); }
                            else fail("no-DONE");
                        }
                    } catch (Exception e) { fail(e.getClass().getSimpleName()); }
                });
            }
            ex.shutdown();
            ex.awaitTermination(TIMEOUT.toSeconds() + 2, TimeUnit.SECONDS);
        }
        Stats total = stats(lat, Procs.cpuTicks(pids) - ticks);
        long[] t = Arrays.stream(ttft).filter(v -> v >= 0).sorted().toArray();
        long[] c = Arrays.stream(ttfc).filter(v -> v >= 0).sorted().toArray();
        long[] g = gaps.stream().mapToLong(Long::longValue).sorted().toArray();
        int fmin = Integer.MAX_VALUE, fmax = 0;
        for (int i = 0; i < n; i++) if (lat[i] >= 0) { fmin = Math.min(fmin, frames[i]); fmax = Math.max(fmax, frames[i]); }
        return new StreamStats(total, pct(t, 50), pct(t, 99), pct(g, 50), pct(g, 99), fmin == Integer.MAX_VALUE ? 0 : fmin, fmax,
                pct(c, 50), pct(c, 99));
    }

    static void waitUntil(long due) {
        long d;
        while ((d = due - System.nanoTime()) > 0) {
            if (d > 200_000) LockSupport.parkNanos(d - 100_000); else Thread.onSpinWait();
        }
    }

    static Stats stats(long[] lat, long cpuTicks) {
        long[] ok = Arrays.stream(lat).filter(v -> v >= 0).sorted().toArray();
        return new Stats(lat.length, ok.length, lat.length - ok.length, pct(ok, 50), pct(ok, 90), pct(ok, 99),
                ok.length == 0 ? -1 : ok[ok.length - 1], takeFailures(), cpuTicks);
    }

    /** The failures counted since the last call ("why:count,…", or "-"), and a fresh count for the next step. */
    static String takeFailures() {
        StringBuilder f = new StringBuilder();
        failures.forEach((k, v) -> f.append(f.isEmpty() ? "" : ",").append(k).append(':').append(v.get()));
        failures.clear();
        return f.isEmpty() ? "-" : f.toString();
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return -1;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static long rssKb() {
        return Procs.rssKb(pids);
    }

    static void emitStats(String phase, int rate, Stats s) {
        emit("lat", phase, rate, String.format(Locale.ROOT, "sent=%d\tok=%d\terr=%d\tp50_us=%d\tp90_us=%d\tp99_us=%d\tmax_us=%d\tfailures=%s\tcpu_ticks=%d",
                s.sent(), s.ok(), s.err(), s.p50(), s.p90(), s.p99(), s.max(), s.failures(), s.cpuTicks()));
    }

    static void emit(String kind, String phase, int rate, String rest) {
        String line = "target=" + name + "\tkind=" + kind + "\tphase=" + phase + "\trate=" + rate + "\t" + rest;
        out.println(line);
        System.out.println(line);
    }
}
