-- wrk script: GET / with the Host header rotating over the hostnames listed
-- (one per line) in the file named by the first script argument, so requests
-- spread over every reseller's storefront. Prints one JSON line when done.
--
--   wrk -t2 -c6 -d10s -s bench/rotate_hosts.lua http://127.0.0.1:8000 -- hosts.txt

local requests = {}
local position = 1

function init(args)
  for host in io.lines(args[1]) do
    if host ~= "" then
      requests[#requests + 1] = wrk.format("GET", "/", { Host = host })
    end
  end
  -- Each thread starts at its own place in the list, so threads do not move in step.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  position = math.random(#requests)
end

function request()
  local next_request = requests[position]
  position = position % #requests + 1
  return next_request
end

function done(summary, latency, requests_summary)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "duration_s": %.3f, "requests_per_s": %.1f, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_ms": {"p50": %.2f, "p90": %.2f, "p99": %.2f, "max": %.2f, "mean": %.2f}}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, latency.mean / 1e3
  ))
end
