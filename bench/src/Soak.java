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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's load and sampler: a constant arrival rate for a fixed time, open loop like Load (request
 * i is due at start + i/rate, sent on its own virtual thread, latency measured from the due time), a
 * mix of mostly non-streaming requests on the 20 ms model and some paced streams; every 10 s it
 * samples the target's RSS (VmRSS in /proc/PID/status) and, if a jstat is given, its heap and GC
 * counts, and writes one TSV row. Only loopback URLs are accepted.
 *
 * Usage: java Soak OUT.tsv PID URL SECONDS RATE STREAM_PERCENT [header:value ...]
 * -Dsoak.jstat=PATH (jstat of the target's JDK; heap and GC columns are "-" without it),
 * -Dsoak.heap=0xSTART-0xEND (the Java heap's reserved range, from jcmd GC.heap_info: heap_rss_kb is the resident
 * part of the mappings inside it, from /proc/PID/smaps; "-" without it),
 * -Dsoak.interval=10 (seconds between samples), -Dsoak.timeout=30 (per request, seconds).
 * Columns: t_seconds rss_kb requests_ok requests_failed (cumulative), then heap_rss_kb heap_used_kb heap_committed_kb
 * old_used_kb metaspace_used_kb young_gc full_gc concurrent_gc (cumulative counts), p50_ms p99_ms (requests
 * completed in the last interval, from their due time).
 * Prints each row to stderr as it goes and, at the end, "sent=N<TAB>ok=N<TAB>failed=N<TAB>failures=why:count,..." to stdout.
 */
public final class Soak {
    static final String D20 = "{\"model\":\"bench-d20\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the soak.\"}]}";
    static final String PACED = "{\"model\":\"bench-paced\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the soak.\"}]}";
    static final AtomicLong ok = new AtomicLong(), failed = new AtomicLong();
    static final ConcurrentHashMap<String, AtomicLong> failures = new ConcurrentHashMap<>();
    static final AtomicReference<ConcurrentLinkedQueue<Long>> window = new AtomicReference<>(new ConcurrentLinkedQueue<>());
    static final AtomicReference<Map<String, Double>> gc = new AtomicReference<>(Map.of());

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[0])), true, StandardCharsets.UTF_8);
        long pid = Long.parseLong(args[1]);
        String url = args[2];
        String host = URI.create(url).getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) throw new IllegalArgumentException("only loopback targets are allowed: " + url);
        int seconds = Integer.parseInt(args[3]), rate = Integer.parseInt(args[4]), streamPercent = Integer.parseInt(args[5]);
        List<String> headers = new ArrayList<>(Arrays.asList(args).subList(6, args.length));
        int interval = Integer.getInteger("soak.interval", 10);
        Duration timeout = Duration.ofSeconds(Integer.getInteger("soak.timeout", 30));
        String jstat = System.getProperty("soak.jstat");
        if (jstat != null) {
            startJstat(jstat, pid);
            for (int i = 0; i < 100 && gc.get().isEmpty(); i++) Thread.sleep(100); // its first line, so that t = 0 has heap figures
        }

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(timeout).build();
        HttpRequest plain = request(url, D20, headers, timeout), stream = request(url, PACED, headers, timeout);

        out.println("t_seconds\trss_kb\trequests_ok\trequests_failed\theap_rss_kb\theap_used_kb\theap_committed_kb\told_used_kb\tmetaspace_used_kb\tyoung_gc\tfull_gc\tconcurrent_gc\tp50_ms\tp99_ms");
        long start = System.nanoTime() + 200_000_000L;
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            for (int k = 0; ; k++) {
                waitUntil(start + k * (long) interval * 1_000_000_000L);
                if (Thread.currentThread().isInterrupted()) return;
                sample(out, k * interval, pid);
                if (k * interval >= seconds) return;
            }
        });
        long n = (long) rate * seconds, period = 1_000_000_000L / rate;
        // Every (100 / STREAM_PERCENT)-th request is a stream, spread evenly through the run.
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < n; i++) {
                long due = start + i * period;
                waitUntil(due);
                boolean isStream = streamPercent > 0 && (i * streamPercent) % 100 < streamPercent;
                ex.execute(() -> send(client, isStream ? stream : plain, isStream, due));
            }
            ex.shutdown();
            ex.awaitTermination(timeout.toSeconds() + 5, TimeUnit.SECONDS);
        }
        sampler.join(TimeUnit.SECONDS.toMillis(interval + 5));
        StringBuilder f = new StringBuilder();
        failures.forEach((k, v) -> f.append(f.isEmpty() ? "" : ",").append(k).append(':').append(v.get()));
        System.out.println("sent=" + n + "\tok=" + ok.get() + "\tfailed=" + failed.get() + "\tfailures=" + (f.isEmpty() ? "-" : f));
        System.exit(0);
    }

    static HttpRequest request(String url, String body, List<String> headers, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (String h : headers) {
            int c = h.indexOf(':');
            b.header(h.substring(0, c), h.substring(c + 1));
        }
        return b.build();
    }

    static void send(HttpClient client, HttpRequest req, boolean stream, long due) {
        try {
            if (!stream) {
                HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) done(due); else fail("http" + r.statusCode());
                return;
            }
            HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader rd = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                if (r.statusCode() != 200) { fail("http" + r.statusCode()); return; }
                String line;
                while ((line = rd.readLine()) != null) {
                    if (line.startsWith("data:") && line.contains("[DONE]")) { done(due); return; }
                }
                fail("no-DONE");
            }
        } catch (Exception e) {
            fail(e.getClass().getSimpleName());
        }
    }

    static void done(long due) {
        window.get().add((System.nanoTime() - due) / 1000);
        ok.incrementAndGet();
    }

    static void fail(String why) {
        failed.incrementAndGet();
        failures.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet();
    }

    static void sample(PrintStream out, int t, long pid) {
        long[] lat = window.getAndSet(new ConcurrentLinkedQueue<>()).stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Double> g = gc.get();
        String heap = g.isEmpty() ? "-\t-\t-\t-\t-\t-\t-" : String.format(Locale.ROOT, "%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f",
                g.get("S0U") + g.get("S1U") + g.get("EU") + g.get("OU"), g.get("S0C") + g.get("S1C") + g.get("EC") + g.get("OC"),
                g.get("OU"), g.get("MU"), g.get("YGC"), g.get("FGC"), g.getOrDefault("CGC", 0.0));
        String row = t + "\t" + rssKb(pid) + "\t" + ok.get() + "\t" + failed.get() + "\t" + heapRss(pid) + "\t" + heap + "\t" + ms(lat, 50) + "\t" + ms(lat, 99);
        out.println(row);
        System.err.println(row); // progress (stdout holds only the summary)
    }

    /** One jstat process for the whole run ({@code jstat -gc PID 1000}); the sampler takes its latest line. */
    static void startJstat(String jstat, long pid) {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Process p = new ProcessBuilder(jstat, "-gc", String.valueOf(pid), "1000").redirectErrorStream(true).start();
                Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
                BufferedReader rd = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String[] names = null;
                String line;
                while ((line = rd.readLine()) != null) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 0 && f[0].equals("S0C")) { names = f; continue; }
                    if (names == null || f.length != names.length) continue;
                    Map<String, Double> m = new HashMap<>();
                    try {
                        for (int i = 0; i < f.length; i++) m.put(names[i], f[i].equals("-") ? 0.0 : Double.parseDouble(f[i]));
                    } catch (NumberFormatException e) { continue; }
                    gc.set(m);
                }
            } catch (Exception e) { /* no heap columns */ }
        });
    }

    static String ms(long[] sortedUs, double p) {
        if (sortedUs.length == 0) return "-";
        int i = (int) Math.ceil(p / 100.0 * sortedUs.length) - 1;
        return String.format(Locale.ROOT, "%.1f", sortedUs[Math.max(0, Math.min(sortedUs.length - 1, i))] / 1000.0);
    }

    static final String HEAP = System.getProperty("soak.heap", "");

    /** Resident KB of the mappings inside the Java heap's reserved range: the heap pages actually touched. */
    static String heapRss(long pid) {
        if (!HEAP.matches("0x[0-9a-fA-F]+-0x[0-9a-fA-F]+")) return "-";
        String[] r = HEAP.split("-");
        long lo = Long.parseUnsignedLong(r[0].substring(2), 16), hi = Long.parseUnsignedLong(r[1].substring(2), 16), kb = 0;
        boolean in = false;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                int dash = l.indexOf('-'), space = l.indexOf(' ');
                if (dash > 0 && space > dash && l.chars().limit(dash).allMatch(c -> Character.digit(c, 16) >= 0)) {
                    long start = Long.parseUnsignedLong(l.substring(0, dash), 16), end = Long.parseUnsignedLong(l.substring(dash + 1, space), 16);
                    in = Long.compareUnsigned(start, lo) >= 0 && Long.compareUnsigned(end, hi) <= 0;
                } else if (in && l.startsWith("Rss:")) {
                    kb += Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) { return "-"; }
        return String.valueOf(kb);
    }

    static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        } catch (Exception e) { /* process gone */ }
        return -1;
    }

    static void waitUntil(long due) {
        long d;
        while ((d = due - System.nanoTime()) > 0) {
            if (d > 200_000) LockSupport.parkNanos(d - 100_000); else Thread.onSpinWait();
        }
    }
}
