-- wrk script for bench/run's closed-loop steps: POSTs $BENCH_BODY with the headers in $BENCH_HEADERS (one
-- "Name:Value" a line), and at the end prints one tab-separated line of key=value figures (latency in µs, wrk's
-- own histogram) that bench/run appends to raw.tsv.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):(.*)$")
  if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk_result\trequests=%d\tnon2xx=%d\tsocket_errors=%d\ttimeouts=%d\tduration_us=%d\tp50_us=%d\tp90_us=%d\tp99_us=%d\tmax_us=%d\n",
    summary.requests, e.status, e.connect + e.read + e.write, e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
