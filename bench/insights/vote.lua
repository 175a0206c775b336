-- wrk script: POST a "Was this helpful?" vote, each from a new page view.
--   BENCH_DELAY  milliseconds each connection waits between its requests
--   BENCH_PATH   /api/feedback (default) or /api/insights
local counter = 0
local pause = tonumber(os.getenv("BENCH_DELAY") or "0")
local path = os.getenv("BENCH_PATH") or "/api/feedback"

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  n = 0
end

function request()
  n = n + 1
  local view = string.format("bench%02dx%010d", tid, n)
  local body
  if path == "/api/insights" then
    body = "lang=fi&kind=zero_hits&query=gift+card+" .. (n % 50) .. "&view=" .. view
  else
    body = "lang=fa&page=%2Ffa%2Fbilling%2F&vote=" .. ((n % 4 == 0) and "no" or "yes") .. "&view=" .. view
  end
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, body)
end

function delay()
  return pause
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d socket_errors=%d non2xx=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("BENCH p%s_us=%d\n", tostring(p), latency:percentile(p)))
  end
end
