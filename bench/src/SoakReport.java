import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SOAK.md from soak.tsv (written by Soak) and a key=value file of everything else bench/soak knows
 * (machine, parameters, JVM flags, ledger counts, Soak's totals, the figures after a full GC at each end).
 * Usage: java SoakReport SOAK.tsv INFO OUT.md [NMT-DIFF.txt]
 *
 * The verdict: RSS is "flat" when the least-squares slope of the second half's samples is below 1% of
 * that half's mean RSS per minute. The first half is left out because it holds the JIT's warm-up and
 * the JVM growing its heap to the load's working set, which is growth that stops by itself.
 */
public final class SoakReport {
    /** Below this share of the mean RSS per minute (second half), RSS counts as flat. */
    static final double FLAT_SHARE_PER_MIN = 0.01;
    /** A verdict needs this many seconds at least: shorter runs (the smoke) only check the wiring. */
    static final int MIN_SECONDS_FOR_VERDICT = 300;

    record Row(int t, long rss, long ok, long failed, Double heapRss, Double heapUsed, Double heapCommitted, Double oldUsed, Double metaspace,
               Double ygc, Double fgc, Double cgc, Double p50, Double p99) {}

    public static void main(String[] args) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() || line.startsWith("t_seconds")) continue;
            String[] f = line.split("\t");
            rows.add(new Row(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    num(f[4]), num(f[5]), num(f[6]), num(f[7]), num(f[8]), num(f[9]), num(f[10]), num(f[11]), num(f[12]), num(f[13])));
        }
        Map<String, String> info = new LinkedHashMap<>();
        for (String l : Files.readAllLines(Path.of(args[1]))) { int i = l.indexOf('='); if (i > 0) info.put(l.substring(0, i), l.substring(i + 1)); }
        int seconds = Integer.parseInt(info.get("seconds")), rate = Integer.parseInt(info.get("rate"));
        if (rows.isEmpty()) throw new IllegalStateException("no samples in " + args[0]);

        Row first = rows.getFirst(), last = rows.getLast();
        Row firstGc = rows.stream().filter(r -> r.ygc() != null).findFirst().orElse(null);
        Row at1m = rows.stream().filter(r -> r.t() >= 60).findFirst().orElse(null);
        Row max = rows.stream().max((a, b) -> Long.compare(a.rss(), b.rss())).orElseThrow();
        List<Row> half = rows.stream().filter(r -> r.t() >= seconds / 2).toList();
        double slope = slope(half, Row::rss);                  // KB per minute
        double mean = half.stream().mapToLong(Row::rss).average().orElse(0);
        double threshold = mean * FLAT_SHARE_PER_MIN;
        boolean judged = seconds >= MIN_SECONDS_FOR_VERDICT && half.size() >= 10;
        boolean flat = Math.abs(slope) < threshold;   // a falling RSS is no leak either, but a steep fall is not "flat": report it
        String verdict = !judged ? "no verdict (a " + seconds + " s run is a smoke; the verdict needs ≥ " + MIN_SECONDS_FOR_VERDICT + " s)"
                : slope < -threshold ? "**falling** (RSS went down over the second half; no growth)" : flat ? "**flat**" : "**NOT flat**";

        StringBuilder md = new StringBuilder("# Quarry RSS soak\n\n");
        md.append("Produced by `bench/soak` on ").append(info.get("date")).append(". Machine: ").append(info.get("cpu")).append("; ")
          .append(info.get("mem")).append("; ").append(info.get("java")).append("; ").append(info.get("kernel")).append(". Quarry ")
          .append(info.get("quarry")).append(". Load average (1/5/15 min) at the start ").append(info.get("loadavg_start"))
          .append(", at the end ").append(info.get("loadavg_end"))
          .append(" — the machine is shared (other builds and tests ran beside the soak), which moves latency, not the RSS question.\n\n");
        md.append("Quarry runs governed, as `bench/run`'s `quarry` target (a plain user key, `ModelAccess` policy, a principal rate limit, a ")
          .append("monthly budget, the ledger and the audit trail on every request), against the stub on loopback. JVM options: ")
          .append(info.get("jvm_opts").isEmpty() ? "none (as `bench/run`)" : "`" + info.get("jvm_opts") + "`").append("; heap cap ")
          .append(info.get("max_heap")).append(", collector ").append(info.get("gc")).append(".\n\n");
        md.append("Load: open loop, ").append(rate).append(" req/s constant arrival rate for ").append(seconds).append(" s (")
          .append(info.get("sent")).append(" requests): ").append(100 - Integer.parseInt(info.get("stream_percent"))).append("% `bench-d20` non-streaming (20 ms upstream), ")
          .append(info.get("stream_percent")).append("% `bench-paced` streams (22 frames over ~100 ms). RSS is the listener process's `VmRSS` ")
          .append("(`/proc/PID/status`), sampled every ").append(info.get("interval")).append(" s; heap and GC counts from `jstat -gc`.\n\n");

        md.append("## RSS\n\n*Heap resident* is the part of RSS inside the Java heap's address range (`/proc/PID/smaps`): the heap pages G1 has touched, ")
          .append("at most what it has committed. *Rest* is RSS minus that: code cache, metaspace, thread stacks, GC structures, malloc (SQLite's included).\n\n")
          .append("| | RSS MiB | heap resident MiB | rest MiB | heap committed MiB | heap used MiB |\n|---|---:|---:|---:|---:|---:|\n");
        line(md, "at the start (t = 0, idle)", first);
        if (at1m != null) line(md, "at 1 min", at1m); else md.append("| at 1 min | – (run shorter than 1 min) | | | | |\n");
        line(md, "at the end (t = " + last.t() + " s)", last);
        line(md, "maximum (t = " + max.t() + " s)", max);
        md.append(String.format(Locale.ROOT, "%nSecond half (t ≥ %d s, %d samples): mean RSS %.1f MiB, least-squares slope **%+.1f KB/min** ",
                seconds / 2, half.size(), mean / 1024, slope));
        md.append(String.format(Locale.ROOT, "(%+.3f%% of the mean per minute). Threshold: |slope| < 1%% of the mean RSS per minute = %.0f KB/min. ", 100 * slope / mean, threshold));
        md.append(String.format(Locale.ROOT, "Verdict: %s.", verdict));
        if (half.stream().allMatch(r -> r.heapRss() != null)) {
            double heapSlope = slope(half, r -> r.heapRss().longValue());
            md.append(String.format(Locale.ROOT, " Of that slope, %+.1f KB/min is the heap's resident pages and %+.1f KB/min the rest.", heapSlope, slope - heapSlope));
        }
        md.append("\n\n");
        double halfMinutes = half.isEmpty() ? 0 : (half.getLast().t() - half.getFirst().t()) / 60.0;
        md.append(String.format(Locale.ROOT, "Why that threshold: at %d req/s it is %.2f KB retained per request, so a leak of about a request's ", rate, threshold / (rate * 60.0)))
          .append("worth of objects (a body, a map entry with its strings) crosses it within the run, and RSS would grow by 60% an hour. ")
          .append("A much tighter bound would flag the JVM's own movement rather than leaks: RSS follows the *committed* heap, which G1 ")
          .append("grows and shrinks in whole regions, plus malloc arenas and the code cache, so it moves in steps. The bound is not loose ")
          .append(String.format(Locale.ROOT, "either: a single step of %.0f MiB in the middle of the second half would by itself give a slope at the threshold, ", threshold * halfMinutes / 1.5 / 1024))
          .append("so a NOT flat needs a look at `soak.tsv` (a steady climb is a leak, one step is heap sizing). A leak of bytes per request ")
          .append("needs hours, or a heap dump, to see; the old generation's use (below) is the finer signal.\n\n");

        md.append("## Heap and GC\n\n");
        if (firstGc != null && last.ygc() != null && half.stream().allMatch(r -> r.oldUsed() != null)) {
            md.append(String.format(Locale.ROOT, "Over the run: %.0f young collections, %.0f full collections, %.0f concurrent-cycle pauses (jstat's YGC, FGC, CGC). ",
                    last.ygc() - firstGc.ygc(), last.fgc() - firstGc.fgc(), last.cgc() - firstGc.cgc()));
            md.append(String.format(Locale.ROOT, "Old generation in use: %s MiB at 1 min, %.1f MiB at the end, %.1f MiB at most; second-half slope %+.1f KB/min ",
                    at1m == null || at1m.oldUsed() == null ? "–" : String.format(Locale.ROOT, "%.1f", at1m.oldUsed() / 1024), last.oldUsed() / 1024,
                    rows.stream().filter(r -> r.oldUsed() != null).mapToDouble(Row::oldUsed).max().orElse(0) / 1024,
                    slope(half, r -> r.oldUsed().longValue())));
            md.append("(G1 lets the old generation fill until a concurrent cycle and mixed collections reclaim it, so this is a sawtooth; ")
              .append("its troughs are what would climb under a leak; without a concurrent cycle in the run it is promoted garbage and live data together). ")
              .append(String.format(Locale.ROOT, "Metaspace in use: %s MiB at 1 min, %.1f MiB at the end.%n%n",
                      at1m == null || at1m.metaspace() == null ? "–" : String.format(Locale.ROOT, "%.1f", at1m.metaspace() / 1024), last.metaspace() / 1024));
            if (info.containsKey("after_rss_kb")) {
                md.append(info.containsKey("before_rss_kb") ? "A full collection (`jcmd GC.run`) before the load and after it separates live data from garbage:\n\n"
                        : "A full collection (`jcmd GC.run`) after the load (none before it: `SOAK_FULL_GC_BEFORE=0`) separates live data from garbage:\n\n")
                  .append("| after a full GC | RSS MiB | heap committed MiB | heap used (live) MiB | old gen MiB | metaspace MiB |\n|---|---:|---:|---:|---:|---:|\n");
                gcLine(md, "before the load (idle, after start-up)", info, "before_");
                gcLine(md, "after the load (" + info.get("sent") + " requests)", info, "after_");
                md.append('\n');
            }
        } else {
            md.append("jstat gave no figures.\n\n");
        }

        md.append("## Requests and the ledger\n\n");
        md.append("Sent ").append(info.get("sent")).append("; answered in full (200 and, for streams, through `[DONE]`) ").append(info.get("ok"))
          .append("; failed ").append(info.get("failed")).append(" (").append(info.get("failures")).append("). Quarry's access log shows ")
          .append(info.get("access_200")).append(" answered 200; `usage_ledger` holds ").append(info.get("rows")).append(" rows (")
          .append(info.get("completed_rows")).append(" `completed`) — ledger rows ")
          .append(info.get("rows").equals(info.get("ok")) ? "**equal**" : "**do NOT equal**").append(" requests served");
        if (!info.get("rows").equals(info.get("ok"))) {
            md.append(info.get("completed_rows").equals(info.get("access_200"))
                    ? "; every 200 answer Quarry gave has its `completed` row, and the difference is the failed requests above"
                    : "; nor do `completed` rows equal the access log's 200 answers");
        }
        md.append(".\n");
        List<Double> p99s = rows.stream().map(Row::p99).filter(v -> v != null).sorted().toList();
        if (!p99s.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%nLatency from the scheduled send, per %s s window: p99 median %.1f ms, worst %.1f ms (the mix's streams take ~100 ms by design).%n",
                    info.get("interval"), p99s.get(p99s.size() / 2), p99s.getLast()));
        }
        if (args.length > 3 && Files.exists(Path.of(args[3]))) {
            md.append("\n## Native memory (NMT), from 1 min to the end of the load\n\n`jcmd VM.native_memory summary.diff` against a baseline taken at t = 60 s ")
              .append("(Quarry ran with `-XX:NativeMemoryTracking=summary`); committed KB and its change per category:\n\n```\n");
            for (String l : Files.readAllLines(Path.of(args[3]))) if (l.contains("Total:") || l.startsWith("malloc=") || l.startsWith("mmap:") || l.matches("^-\\s+\\S.*\\(.*")) md.append(l.strip()).append('\n');
            md.append("```\n");
        }
        md.append("\nEvery sample: `soak.tsv` (t_seconds, rss_kb, requests_ok, requests_failed, then heap resident, heap used / committed, old gen used, metaspace used, GC counts, window p50 / p99).\n");
        Files.writeString(Path.of(args[2]), md.toString());
        System.out.println(String.format(Locale.ROOT, "rss_1m_kb=%s\trss_end_kb=%d\trss_max_kb=%d\tslope_kb_per_min=%.1f\tthreshold_kb_per_min=%.0f\tverdict=%s",
                at1m == null ? "-" : String.valueOf(at1m.rss()), last.rss(), max.rss(), slope, threshold, verdict.replace("*", "")));
    }

    static void gcLine(StringBuilder md, String what, Map<String, String> info, String p) {
        md.append("| ").append(what);
        for (String k : List.of("rss_kb", "heap_committed_kb", "heap_used_kb", "old_used_kb", "metaspace_used_kb")) {
            String v = info.get(p + k);
            md.append(" | ").append(v == null || v.equals("-") ? "–" : String.format(Locale.ROOT, "%.1f", Double.parseDouble(v) / 1024));
        }
        md.append(" |\n");
    }

    static void line(StringBuilder md, String what, Row r) {
        md.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, "%.1f", r.rss() / 1024.0)).append(" | ")
          .append(r.heapRss() == null ? "– | –" : String.format(Locale.ROOT, "%.1f | %.1f", r.heapRss() / 1024, (r.rss() - r.heapRss()) / 1024)).append(" | ")
          .append(r.heapCommitted() == null ? "–" : String.format(Locale.ROOT, "%.1f", r.heapCommitted() / 1024)).append(" | ")
          .append(r.heapUsed() == null ? "–" : String.format(Locale.ROOT, "%.1f", r.heapUsed() / 1024)).append(" |\n");
    }

    /** Least-squares slope of value against time, in units per minute. */
    static double slope(List<Row> rows, java.util.function.ToLongFunction<Row> value) {
        int n = rows.size();
        if (n < 2) return Double.NaN;
        double mt = rows.stream().mapToDouble(r -> r.t() / 60.0).average().orElse(0);
        double mv = rows.stream().mapToDouble(value::applyAsLong).average().orElse(0);
        double num = 0, den = 0;
        for (Row r : rows) {
            double dt = r.t() / 60.0 - mt;
            num += dt * (value.applyAsLong(r) - mv);
            den += dt * dt;
        }
        return num / den;
    }

    static Double num(String s) {
        return s.equals("-") ? null : Double.valueOf(s);
    }
}
