-- wrk's report for `make bench`: one line the runner parses (latencies in microseconds).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d failures=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    errors.status + errors.connect + errors.read + errors.write + errors.timeout))
end
