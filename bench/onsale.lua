-- wrk script: every request is a different buyer placing one order on the one-page checkout.
-- The CSRF cookie and form token are the same 32-character secret, as Django accepts.
local csrf = "benchbenchbenchbenchbenchbench12"
local event = os.getenv("BENCH_EVENT")
local ticket_type = os.getenv("BENCH_TICKET_TYPE")
local host = os.getenv("BENCH_HOST")
local threads = {}
local counter = 0
-- Threads are numbered from the main state; each thread reads its number as the global `id`
-- (a chunk-level `local id` would shadow it in every thread, giving them all the same number).
local threads_set_up = 0

function setup(thread)
  threads_set_up = threads_set_up + 1
  thread:set("id", threads_set_up)
  table.insert(threads, thread)
end

function init(args)
  accepted = 0
  refused = 0
  other = 0
end

function request()
  counter = counter + 1
  local quantity = 1 + (counter % 2)
  local body = "csrfmiddlewaretoken=" .. csrf
    .. "&ticket_" .. ticket_type .. "=" .. quantity
    .. "&name=Buyer+" .. id .. "-" .. counter
    .. "&email=buyer" .. id .. "-" .. counter .. "%40bench.example"
    .. "&payment_method=pay_later"
  local headers = {
    ["Host"] = host,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. csrf,
  }
  return wrk.format("POST", "/events/" .. event .. "/buy/", headers, body)
end

function response(status, headers, body)
  if status == 302 then
    accepted = accepted + 1
  elseif status == 400 or status == 503 then
    refused = refused + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local accepted_total, refused_total, other_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    accepted_total = accepted_total + thread:get("accepted")
    refused_total = refused_total + thread:get("refused")
    other_total = other_total + thread:get("other")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_STATS={"seconds": %.3f, "requests": %d, "errors": %d, "accepted": %d, "refused": %d, "other": %d, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.duration / 1e6, summary.requests, errors, accepted_total, refused_total, other_total,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
