-- wrk script: every request is a different client placing one order through the REST API,
-- a JSON body with a buyer of its own and a fresh Idempotency-Key, authorized by an API key.
local key = os.getenv("BENCH_API_KEY")
local event = os.getenv("BENCH_API_EVENT_ID")
local ticket_type = os.getenv("BENCH_API_TICKET_TYPE")
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
  local buyer = id .. "-" .. counter
  local body = '{"event": ' .. event
    .. ', "tickets": [{"ticket_type": ' .. ticket_type .. ', "quantity": ' .. quantity .. '}]'
    .. ', "buyer": {"name": "Buyer ' .. buyer .. '", "email": "buyer' .. buyer .. '@bench.example"}}'
  local headers = {
    ["Host"] = host,
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
    ["Idempotency-Key"] = "rush-" .. buyer,
  }
  return wrk.format("POST", "/api/v1/orders/", headers, body)
end

function response(status, headers, body)
  if status == 201 and headers["Idempotent-Replayed"] == nil then
    accepted = accepted + 1
  elseif status == 409 or status == 503 then
    refused = refused + 1  -- sold out, or busy
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
