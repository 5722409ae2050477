import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 18's figures for every target and its goal table (met / missed), from raw.tsv's closed-loop rows (wrk,
 * kind=wrk), held-stream rows (Hold, kind=hold) and the open-loop suite's streaming and sweep rows (Load).
 * The goals are for the governed target, {@code quarry}; the other targets are its yardsticks.
 */
final class Goals {
    static final String Q = "quarry";
    private final double clkTck;
    private final Map<String, Integer> within10;
    private final boolean sweepCut;

    /**
     * within10: per target, the highest sweep rate (req/s) whose p99 held within the 20 ms stub + 10 ms;
     * sweepCut: BENCH_SCALE < 1 stopped the sweep after two steps, so it says nothing about 2,400 req/s.
     */
    Goals(long clkTck, Map<String, Integer> within10, boolean sweepCut) {
        this.clkTck = clkTck;
        this.within10 = within10;
        this.sweepCut = sweepCut;
    }

    /** Requests a wrk step completed with a 2xx answer, or -1 when the step is missing. */
    static long ok(Map<String, String> r) {
        return r == null || !r.containsKey("requests") ? -1 : Long.parseLong(r.get("requests")) - Long.parseLong(r.get("non2xx"));
    }

    /** The target's CPU (utime + stime) per 2xx answer over a wrk step, µs; null when the step is missing or had none. */
    Double cpu(String t, String phase) {
        Map<String, String> r = Report.find(t, "wrk", phase, null);
        return ok(r) <= 0 ? null : Long.parseLong(r.get("cpu_ticks")) * 1e6 / clkTck / ok(r);
    }

    /** CPU per answered request over an open-loop step of Load (its cpu_ticks and ok), µs. */
    Double loadCpu(String t, String phase) {
        Map<String, String> r = Report.find(t, "lat", phase, null);
        if (r == null || !r.containsKey("cpu_ticks") || Long.parseLong(r.get("ok")) == 0) return null;
        return Long.parseLong(r.get("cpu_ticks")) * 1e6 / clkTck / Long.parseLong(r.get("ok"));
    }

    Double rps(String t, String phase) {
        Map<String, String> r = Report.find(t, "wrk", phase, null);
        return ok(r) <= 0 ? null : ok(r) * 1e6 / Long.parseLong(r.get("duration_us"));
    }

    /** A wrk c=1 percentile minus direct's, µs. */
    Long addedC1(String t, String key) {
        Map<String, String> r = Report.find(t, "wrk", "c1", null), d = Report.find("direct", "wrk", "c1", null);
        return ok(r) <= 0 || ok(d) <= 0 ? null : Long.parseLong(r.get(key)) - Long.parseLong(d.get(key));
    }

    /** The paced streaming step's TTFT p50 minus direct's, µs. */
    Long addedTtft(String t) {
        Map<String, String> s = Report.find(t, "stream_detail", "stream", null), d = Report.find("direct", "stream_detail", "stream", null);
        if (s == null || d == null || !Report.okStreams(t) || !Report.okStreams("direct")) return null;
        return Long.parseLong(s.get("ttft_p50_us")) - Long.parseLong(d.get("ttft_p50_us"));
    }

    Double holdMiB(String t) {
        Map<String, String> h = Report.find(t, "hold", "slow_streams", null);
        return h == null ? null : Long.parseLong(h.get("rss_max_kb")) / 1024.0;
    }

    /** "2000/2000 in flight at once, 2000 completed" and the failures, for a held-streams row. */
    static String held(Map<String, String> h) {
        return h.get("peak_open") + "/" + h.get("rate") + " in flight at once, " + h.get("completed") + " completed"
                + ("-".equals(h.get("failures")) ? "" : " (" + h.get("failures") + ")");
    }

    static boolean allHeld(Map<String, String> h) {
        return h.get("peak_open").equals(h.get("rate")) && h.get("completed").equals(h.get("rate"));
    }

    /** One row per target: every figure the goals are stated in. */
    String figures(List<String> targets) {
        StringBuilder md = new StringBuilder("\n## Issue 18's figures per target\n\n")
                .append("Closed loop with `wrk -t1` on the zero-delay model (c=1 for latency, c=32 for throughput; the streamed answer is a role chunk, ")
                .append("20 content chunks sent back to back and a usage chunk, at c=32). CPU = Δ(utime + stime) of all the target's processes ")
                .append("(`/proc/PID/stat`; nginx master and workers, Quarry's JVM, Portkey's node) over the step ÷ 2xx answers; ")
                .append("the 100 req/s column is the open-loop low-rate step. *Added* = target − direct in this run. TTFT: the paced streaming step ")
                .append("(20 streams/s). RSS: the maximum while ").append(holdCount()).append(" `bench-slow` streams (~10 s each) were open at once.\n\n")
                .append("| target | added p50 c=1 µs | added p99 c=1 µs | req/s c=32 | CPU µs/req c=1 | CPU µs/req c=32 | CPU µs/req 100 req/s | ")
                .append("CPU µs per streamed answer | added TTFT p50 µs | max req/s, 20 ms stub, p99 ≤ +10 ms | RSS MiB, held streams | errors (wrk c=1 / c=32 / stream) |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (String t : targets) {
            if (Report.find(t, "wrk", "c1", null) == null && Report.find(t, "hold", "slow_streams", null) == null) continue;
            Map<String, String> h = Report.find(t, "hold", "slow_streams", null);
            md.append("| ").append(t).append(" | ").append(t.equals("direct") ? "–" : num(addedC1(t, "p50_us"))).append(" | ")
              .append(t.equals("direct") ? "–" : num(addedC1(t, "p99_us"))).append(" | ").append(num(rps(t, "c32"))).append(" | ")
              .append(num(cpu(t, "c1"))).append(" | ").append(num(cpu(t, "c32"))).append(" | ").append(num(loadCpu(t, "low"))).append(" | ")
              .append(num(cpu(t, "stream_c32"))).append(" | ").append(t.equals("direct") ? "–" : num(addedTtft(t))).append(" | ")
              .append(within10.containsKey(t) ? String.valueOf(within10.get(t)) : "–").append(" | ")
              .append(h == null ? "–" : String.format(Locale.ROOT, "%.0f (%s)", holdMiB(t), held(h))).append(" | ")
              .append(errors(t, "c1")).append(" / ").append(errors(t, "c32")).append(" / ").append(errors(t, "stream_c32")).append(" |\n");
        }
        return md.toString();
    }

    private static String holdCount() {
        for (Map<String, String> r : Report.rows) if ("hold".equals(r.get("kind"))) return r.get("rate");
        return "2000";
    }

    static String errors(String t, String phase) {
        Map<String, String> r = Report.find(t, "wrk", phase, null);
        if (r == null || !r.containsKey("requests")) return "–";
        long bad = Long.parseLong(r.get("non2xx")) + Long.parseLong(r.get("socket_errors")) + Long.parseLong(r.get("timeouts"));
        return bad + "/" + r.get("requests");
    }

    /** The goal table: each of issue 18's goals for the governed target, measured, met or missed (and by how much). */
    String table() {
        StringBuilder md = new StringBuilder("\n## Issue 18's goals (governed `quarry`, ratios within this run)\n\n")
                .append("| goal | target | measured | verdict |\n|---|---|---|---|\n");
        Double q32 = cpu(Q, "c32"), n32 = cpu("nginx", "c32"), p32 = cpu("portkey", "c32");
        atMost(md, "CPU per non-streaming governed request (wrk c=32)", "≤ 60 µs", q32, 60, " µs");
        ratio(md, "… relative to nginx's (Quarry ÷ nginx)", "≤ 5×", q32, n32, 5, true);
        ratio(md, "… relative to Portkey's (Portkey ÷ Quarry)", "≥ 15×", p32, q32, 15, false);
        atMost(md, "CPU per 20-chunk streamed answer (wrk c=32, `stream: true`)", "≤ 150 µs", cpu(Q, "stream_c32"), 150, " µs");
        atMost(md, "added p50 at c=1 (wrk; quarry − direct)", "≤ 150 µs", asDouble(addedC1(Q, "p50_us")), 150, " µs");
        atMost(md, "added p99 at c=1 (wrk; quarry − direct)", "≤ 1,000 µs", asDouble(addedC1(Q, "p99_us")), 1000, " µs");
        atMost(md, "streaming added TTFT p50 (paced streams, 20/s)", "≤ 150 µs", asDouble(addedTtft(Q)), 150, " µs");
        Double qr = rps(Q, "c32"), nr = rps("nginx", "c32");
        if (qr == null || nr == null) missing(md, "req/s at c=32 on the zero-delay stub (wrk)", "≥ 30% of nginx's");
        else verdict(md, "req/s at c=32 on the zero-delay stub (wrk)", "≥ 30% of nginx's",
                String.format(Locale.ROOT, "%.0f vs nginx %.0f = %.1f%%", qr, nr, 100 * qr / nr), qr >= 0.3 * nr,
                String.format(Locale.ROOT, "%.1f× short", 0.3 * nr / qr));
        Integer w = within10.get(Q);
        if (w == null) missing(md, "20 ms stub: highest swept rate with p99 ≤ 20 + 10 ms (open loop)", "≥ 2,400 req/s");
        else if (sweepCut) md.append("| 20 ms stub: highest swept rate with p99 ≤ 20 + 10 ms (open loop) | ≥ 2,400 req/s | ").append(w)
                .append(" req/s, but BENCH_SCALE < 1 stopped the sweep at 200 req/s | not measured |\n");
        else verdict(md, "20 ms stub: highest swept rate with p99 ≤ 20 + 10 ms (open loop)", "≥ 2,400 req/s", w + " req/s", w >= 2400,
                w == 0 ? "no step held" : String.format(Locale.ROOT, "%.1f× short", 2400.0 / w));
        ratio(md, "governance on vs off: CPU per request c=32, quarry ÷ quarry-ungoverned", "≤ 1.25×", q32, cpu("quarry-ungoverned", "c32"), 1.25, true);
        for (String[] step : new String[][]{{"c1", "at c=1"}, {"stream_c32", "per streamed answer"}}) {
            Double on = cpu(Q, step[0]), off = cpu("quarry-ungoverned", step[0]);
            if (on != null && off != null) md.append(String.format(Locale.ROOT, "| … %s (informative) | ≤ 1.25× | %.0f µs ÷ %.0f µs = %.2f× | – |\n",
                    step[1], on, off, on / off));
        }
        Map<String, String> h = Report.find(Q, "hold", "slow_streams", null);
        if (h == null) missing(md, "RSS under 2,000 concurrent slow streams", "≤ 400 MiB");
        else {
            double mib = holdMiB(Q);
            boolean ok = mib <= 400 && allHeld(h);
            verdict(md, "RSS under " + h.get("rate") + " concurrent slow streams", "≤ 400 MiB",
                    String.format(Locale.ROOT, "%.0f MiB max (%.0f before; %s)", mib, Long.parseLong(h.get("rss_before_kb")) / 1024.0, held(h)), ok,
                    allHeld(h) ? String.format(Locale.ROOT, "+%.0f MiB", mib - 400) : "not every stream was held");
        }
        md.append("| RSS flat in the soak | flat | not measured by `bench/run`: `bench/soak` writes `SOAK.md` | see SOAK.md |\n");
        return md.toString();
    }

    private static Double asDouble(Long v) { return v == null ? null : v.doubleValue(); }

    private static void atMost(StringBuilder md, String goal, String target, Double v, double bound, String unit) {
        if (v == null) { missing(md, goal, target); return; }
        verdict(md, goal, target, String.format(Locale.ROOT, "%.0f%s", v, unit), v <= bound,
                bound > 0 && v > 0 ? String.format(Locale.ROOT, "%.1f× the bound", v / bound) : "");
    }

    /** a ÷ b against a bound; atMost: the ratio must not exceed it, else it must reach it. */
    private static void ratio(StringBuilder md, String goal, String target, Double a, Double b, double bound, boolean atMost) {
        if (a == null || b == null) { missing(md, goal, target); return; }
        double r = a / b;
        boolean met = atMost ? r <= bound : r >= bound;
        verdict(md, goal, target, String.format(Locale.ROOT, "%.0f µs ÷ %.0f µs = %.2f×", a, b, r), met,
                String.format(Locale.ROOT, "%.1f× off", atMost ? r / bound : bound / r));
    }

    private static void verdict(StringBuilder md, String goal, String target, String measured, boolean met, String by) {
        md.append("| ").append(goal).append(" | ").append(target).append(" | ").append(measured).append(" | ")
          .append(met ? "met" : "**missed**" + (by.isEmpty() ? "" : " (" + by + ")")).append(" |\n");
    }

    private static void missing(StringBuilder md, String goal, String target) {
        md.append("| ").append(goal).append(" | ").append(target).append(" | not measured (a target missing from this run, or no 2xx answers) | – |\n");
    }

    private static String num(Double v) { return v == null ? "–" : String.format(Locale.ROOT, "%.0f", v); }

    private static String num(Long v) { return v == null ? "–" : String.valueOf(v); }
}
