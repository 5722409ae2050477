import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The managed-agents load (bench/agents): SESSIONS sessions, each followed by one open event stream
 * (GET /v1/agents/sessions/ID/events), idle for IDLE_SECONDS, then CONCURRENCY workers that each post a
 * message to one of their sessions, wait for that session's {@code agent.session.idle} on its stream,
 * and post to their next session, for LOAD_SECONDS: CONCURRENCY turns running at all times.
 *
 * <p>The model is the stub's {@code bench-paced-stamped}: each word carries the time the stub sent it,
 * so a text delta's latency is its arrival at the follower minus that stamp (Quarry's parsing of the
 * upstream stream, the runner, the event hub and the SSE write, all on this one machine's clock). Per
 * turn it also records: POST → 202, POST → {@code turn.created} on the stream, the last word's stamp →
 * {@code agent.session.idle} (the commits that end a turn) and POST → idle. Quarry's VmRSS and thread
 * count come from /proc/QPID/status, its CPU time from /proc/QPID/stat.
 *
 * <p>With {@code -Dagents.pg=JDBC_URL} (Quarry on PostgreSQL; the driver on the class path) it also reports the
 * database's transactions per second, idle and under load, from {@code pg_stat_database}.
 *
 * <p>Writes OUT/agents-turns.tsv (a row per turn), OUT/agents-summary.txt (key=value) and prints the summary.
 * Usage: java AgentsBench BASE_URL KEY QPID MODEL SESSIONS CONCURRENCY IDLE_SECONDS LOAD_SECONDS OUT
 */
public final class AgentsBench {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STAMP = Pattern.compile("w\\d+@(\\d{16})");
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    private static String base;
    private static String key;
    private static int qpid;

    /** One session and what its follower has seen of the current turn. */
    static final class Followed {
        final String id;
        final List<Long> deltaLatencies = new ArrayList<>(); // µs, guarded by this
        volatile long turnCreatedNanos;
        volatile long lastStamp;
        volatile long idleMicros;
        volatile int deltas;
        final SynchronousQueue<String> ends = new SynchronousQueue<>();
        volatile boolean connected;
        volatile boolean ended;

        Followed(String id) {
            this.id = id;
        }
    }

    static final AtomicInteger errorEvents = new AtomicInteger();
    static final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        base = args[0];
        key = args[1];
        qpid = Integer.parseInt(args[2]);
        String model = args[3];
        int sessions = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        int idleSeconds = Integer.parseInt(args[6]);
        int loadSeconds = Integer.parseInt(args[7]);
        Path out = Path.of(args[8]);
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("sessions", "" + sessions);
        summary.put("concurrency", "" + concurrency);
        summary.put("idle_seconds", "" + idleSeconds);
        summary.put("load_seconds", "" + loadSeconds);
        put(summary, "before", proc());

        // 1. sessions, 16 created at a time
        long t0 = System.nanoTime();
        List<Followed> all = createSessions(model, sessions, 16);
        summary.put("create_seconds", secs(System.nanoTime() - t0));
        Thread.sleep(2000);
        put(summary, "created", proc());
        summary.put("created_live_heap_kb", "" + liveHeapKb());

        // 2. one follower per session
        t0 = System.nanoTime();
        ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        for (Followed f : all) readers.execute(() -> follow(f));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (all.stream().filter(f -> f.connected).count() < sessions && System.nanoTime() < until) Thread.sleep(50);
        long connected = all.stream().filter(f -> f.connected).count();
        summary.put("followers_connected", "" + connected);
        summary.put("connect_seconds", secs(System.nanoTime() - t0));
        if (connected < sessions) System.err.println("only " + connected + " of " + sessions + " followers connected");

        // 3. idle: every session followed, nothing running
        Thread.sleep(3000);
        long cpuStart = cpuTicks(), wallStart = System.nanoTime(), tx = pgTransactions();
        Thread.sleep(idleSeconds * 1000L);
        summary.put("idle_cpu_percent", cpuPercent(cpuStart, wallStart));
        pgRate(summary, "idle_db_tx_per_second", tx, wallStart);
        put(summary, "idle", proc());
        summary.put("idle_live_heap_kb", "" + liveHeapKb());

        // 4. load: `concurrency` turns at all times
        List<long[]> turns = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong maxRss = new AtomicLong(), maxThreads = new AtomicLong();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                long[] p = proc();
                maxRss.accumulateAndGet(p[0], Math::max);
                maxThreads.accumulateAndGet(p[1], Math::max);
                try { Thread.sleep(500); } catch (InterruptedException e) { return; }
            }
        });
        cpuStart = cpuTicks();
        wallStart = System.nanoTime();
        tx = pgTransactions();
        long loadStart = System.nanoTime(), loadEnd = loadStart + TimeUnit.SECONDS.toNanos(loadSeconds);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            workers.add(Thread.ofVirtual().start(() -> {
                for (int i = worker, n = 0; System.nanoTime() < loadEnd; i = (i + concurrency) % sessions, n++) {
                    turns.add(turn(all.get(i), worker, loadStart));
                }
            }));
        }
        for (Thread t : workers) t.join();
        long loadNanos = System.nanoTime() - loadStart;
        summary.put("load_cpu_percent", cpuPercent(cpuStart, wallStart));
        pgRate(summary, "load_db_tx_per_second", tx, wallStart);
        stop.set(true);
        sampler.join();
        summary.put("load_max_rss_kb", "" + maxRss.get());
        summary.put("load_max_threads", "" + maxThreads.get());
        Thread.sleep(3000);
        put(summary, "after", proc());

        // 5. figures
        List<long[]> done = new ArrayList<>(turns);
        long ok = done.stream().filter(t -> t[2] == 1).count();
        summary.put("turns", "" + done.size());
        summary.put("turns_completed", "" + ok);
        summary.put("turns_per_second", String.format("%.1f", ok / (loadNanos / 1e9)));
        summary.put("error_events", "" + errorEvents.get());
        summary.put("errors", errors.isEmpty() ? "none" : errors.toString().replace(" ", ""));
        summary.put("followers_ended", "" + all.stream().filter(f -> f.ended).count());
        long[] deltaUs = all.stream().flatMap(f -> { synchronized (f) { return new ArrayList<>(f.deltaLatencies).stream(); } })
                .mapToLong(Long::longValue).sorted().toArray();
        summary.put("deltas", "" + deltaUs.length);
        summary.put("deltas_per_turn", ok == 0 ? "0" : String.format("%.1f", done.stream().filter(t -> t[2] == 1).mapToLong(t -> t[8]).average().orElse(0)));
        pct(summary, "delta_us", deltaUs);
        pct(summary, "accept_us", column(done, 3));
        pct(summary, "created_us", column(done, 4));
        pct(summary, "finish_us", column(done, 5));
        pct(summary, "turn_us", column(done, 6));

        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("agents-turns.tsv")))) {
            w.println("worker\tstart_ms\tcompleted\taccept_us\tcreated_us\tfinish_us\tturn_us\tstatus\tdeltas");
            for (long[] t : done) w.println(t[0] + "\t" + t[1] + "\t" + t[2] + "\t" + t[3] + "\t" + t[4] + "\t" + t[5] + "\t" + t[6] + "\t" + t[7] + "\t" + t[8]);
        }
        StringBuilder text = new StringBuilder();
        summary.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(out.resolve("agents-summary.txt"), text);
        System.out.print(text);
        readers.shutdownNow();
        System.exit(0);
    }

    private static List<Followed> createSessions(String model, int n, int parallel) throws Exception {
        Followed[] made = new Followed[n];
        Semaphore permits = new Semaphore(parallel);
        String body = "{\"agent\":{\"model\":\"" + model + "\",\"instructions\":\"Answer in twenty words.\"},\"metadata\":{\"bench\":\"agents\"}}";
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int at = i;
                permits.acquire();
                pool.execute(() -> {
                    try {
                        HttpResponse<String> r = HTTP.send(post("/v1/agents/sessions", body), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) throw new IllegalStateException("create session: " + r.statusCode() + " " + r.body());
                        Matcher m = ID.matcher(r.body());
                        if (!m.find()) throw new IllegalStateException("no id in " + r.body());
                        made[at] = new Followed(m.group(1));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        for (Followed f : made) if (f == null) throw new IllegalStateException("a session was not created (see above)");
        return List.of(made);
    }

    /** Reads one session's stream for as long as the bench runs. */
    private static void follow(Followed f) {
        HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/v1/agents/sessions/" + f.id + "/events"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<InputStream> r = HTTP.send(get, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                error("follow_http" + r.statusCode());
                return;
            }
            f.connected = true;
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            String type = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    type = line.substring(7).strip();
                } else if (line.startsWith("data: ") && type != null) {
                    event(f, type, line);
                    type = null;
                }
            }
        } catch (IOException | InterruptedException e) {
            error("follow_" + e.getClass().getSimpleName());
        } finally {
            f.ended = true;
        }
    }

    private static void event(Followed f, String type, String data) throws InterruptedException {
        long now = System.nanoTime();
        switch (type) {
            case "agent.session.turn.created" -> f.turnCreatedNanos = now;
            case "agent.session.turn.output_text.delta" -> {
                long received = epochMicros();
                Matcher m = STAMP.matcher(data);
                while (m.find()) {
                    long stamp = Long.parseLong(m.group(1));
                    synchronized (f) { f.deltaLatencies.add(received - stamp); }
                    f.lastStamp = Math.max(f.lastStamp, stamp);
                }
                f.deltas++;
            }
            case "agent.session.idle" -> {
                f.idleMicros = epochMicros();
                f.ends.offer("idle", 5, TimeUnit.SECONDS);
            }
            case "agent.session.turn.failed", "agent.session.turn.cancelled", "agent.session.turn.incomplete" -> {
                error(type);
                f.ends.offer(type, 5, TimeUnit.SECONDS);
            }
            case "error" -> {
                errorEvents.incrementAndGet();
                error("error_event");
            }
            default -> { }
        }
    }

    /** One turn on session f: {worker, start ms into the load, completed 0/1, accept µs, created µs, finish µs, turn µs, http status, deltas}. */
    private static long[] turn(Followed f, int worker, long loadStart) {
        f.turnCreatedNanos = 0;
        f.lastStamp = 0;
        f.deltas = 0;
        String body = "{\"events\":[{\"type\":\"agent.session.input.message\",\"input\":\"Say twenty words.\"}]}";
        long start = System.nanoTime();
        long[] row = {worker, (start - loadStart) / 1_000_000, 0, -1, -1, -1, -1, 0, 0};
        try {
            HttpResponse<String> r = HTTP.send(post("/v1/agents/sessions/" + f.id + "/events", body), HttpResponse.BodyHandlers.ofString());
            row[3] = (System.nanoTime() - start) / 1000;
            row[7] = r.statusCode();
            if (r.statusCode() != 202) {
                error("post_http" + r.statusCode());
                Thread.sleep(100);
                return row;
            }
            String end = f.ends.poll(TURN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long ended = System.nanoTime();
            if (end == null) {
                error("turn_timeout");
                return row;
            }
            row[8] = f.deltas;
            if (f.turnCreatedNanos != 0) row[4] = (f.turnCreatedNanos - start) / 1000;
            if (f.lastStamp != 0 && "idle".equals(end)) row[5] = f.idleMicros - f.lastStamp;
            row[6] = (ended - start) / 1000;
            row[2] = "idle".equals(end) ? 1 : 0;
        } catch (IOException | InterruptedException e) {
            error("post_" + e.getClass().getSimpleName());
        }
        return row;
    }

    private static HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static void error(String what) {
        errors.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** Quarry's heap in use right after a full collection (jcmd GC.run, then GC.heap_info), in KB; -1 without -Dagents.jcmd. */
    private static long liveHeapKb() {
        String jcmd = System.getProperty("agents.jcmd");
        if (jcmd == null) return -1;
        try {
            new ProcessBuilder(jcmd, "" + qpid, "GC.run").redirectErrorStream(true).start().getInputStream().readAllBytes();
            String info = new String(new ProcessBuilder(jcmd, "" + qpid, "GC.heap_info").redirectErrorStream(true).start()
                    .getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            error("jcmd");
            return -1;
        }
    }

    /** {VmRSS kB, Threads} of Quarry. */
    private static long[] proc() {
        long rss = -1, threads = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + qpid + "/status"))) {
                if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
                if (line.startsWith("Threads:")) threads = Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException e) {
            error("proc");
        }
        return new long[] {rss, threads};
    }

    private static void put(Map<String, String> summary, String when, long[] proc) {
        summary.put(when + "_rss_kb", "" + proc[0]);
        summary.put(when + "_threads", "" + proc[1]);
    }

    /** utime + stime of Quarry, in clock ticks (USER_HZ, 100 on Linux). */
    private static long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + qpid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String cpuPercent(long ticksStart, long wallStart) throws IOException {
        double cpu = (cpuTicks() - ticksStart) / 100.0, wall = (System.nanoTime() - wallStart) / 1e9;
        return String.format("%.1f", 100 * cpu / wall);
    }

    /** Committed and rolled-back transactions of Quarry's PostgreSQL database so far; -1 on SQLite. */
    private static long pgTransactions() {
        String url = System.getProperty("agents.pg");
        if (url == null || url.isEmpty()) return -1;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.ResultSet r = c.createStatement().executeQuery(
                     "SELECT pg_stat_force_next_flush(), xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
            r.next();
            return r.getLong(2) - 1; // less this query's own transaction
        } catch (java.sql.SQLException e) {
            error("pg_stat");
            return -1;
        }
    }

    private static void pgRate(Map<String, String> summary, String name, long before, long wallStart) {
        if (before < 0) return;
        long after = pgTransactions();
        summary.put(name, String.format("%.0f", (after - before) / ((System.nanoTime() - wallStart) / 1e9)));
    }

    private static long[] column(List<long[]> rows, int i) {
        return rows.stream().filter(t -> t[2] == 1 && t[i] >= 0).mapToLong(t -> t[i]).sorted().toArray();
    }

    private static void pct(Map<String, String> summary, String name, long[] sorted) {
        if (sorted.length == 0) {
            summary.put(name, "none");
            return;
        }
        summary.put(name + "_p50", "" + at(sorted, 0.50));
        summary.put(name + "_p95", "" + at(sorted, 0.95));
        summary.put(name + "_p99", "" + at(sorted, 0.99));
        summary.put(name + "_max", "" + sorted[sorted.length - 1]);
        summary.put(name + "_n", "" + sorted.length);
    }

    private static long at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String secs(long nanos) {
        return String.format("%.1f", nanos / 1e9);
    }
}
