-- wrk script: POST one contact-form submission again and again.
--   BENCH_BODY   the urlencoded body (default: an invalid e-mail address)
--   BENCH_DELAY  milliseconds each connection waits between its requests
--                (paces the load: connections x 1000 / (delay + latency) req/s)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
  or "name=Bench&email=not-an-address&topic=billing&message=Hello&lang=en"

local pause = tonumber(os.getenv("BENCH_DELAY") or "0")

function delay()
  return pause
end

function done(summary, latency, requests)
  -- Machine-readable lines for bench/bench.py.
  -- errors.status counts non-2xx/3xx answers: expected for the invalid post.
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d socket_errors=%d non2xx=%d\n",
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("BENCH p%s_us=%d\n", tostring(p), latency:percentile(p)))
  end
  io.write(string.format("BENCH max_us=%d mean_us=%.1f\n", latency.max, latency.mean))
end
