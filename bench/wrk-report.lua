-- wrk script for the bench (bench/lib.ts): at the end, one line "BENCH {json}" with
-- the latency percentiles in microseconds, the count of answers in each status
-- class, the errors, and wrk's own CPU time read from /proc/self/stat (so the bench
-- can tell when the load generator, not the server, was the limit).
--
-- BENCH_WRK_PATHS (paths separated by newlines) makes each request take the next
-- path in turn; without it every request is the command line's URL, which wrk
-- sends from a precomputed buffer.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local rotate = os.getenv('BENCH_WRK_PATHS')
local requests = nil
local next_request = 0

function init(args)
  classes = { 0, 0, 0, 0, 0, 0 }
  if rotate then
    requests = {}
    for path in string.gmatch(rotate, '[^\n]+') do
      table.insert(requests, wrk.format(nil, path))
    end
  end
end

if rotate then
  function request()
    next_request = next_request % #requests + 1
    return requests[next_request]
  end
end

function response(status, headers, body)
  local class = math.floor(status / 100)
  if class < 1 or class > 5 then class = 6 end
  classes[class] = classes[class] + 1
end

local function cpu_seconds()
  local file = io.open('/proc/self/stat', 'r')
  if not file then return -1 end
  local stat = file:read('*a')
  file:close()
  -- Fields after the command name, which is in parentheses.
  local rest = string.sub(stat, string.find(stat, ')', 1, true) + 2)
  local fields = {}
  for field in string.gmatch(rest, '%S+') do table.insert(fields, field) end
  -- utime and stime: fields 14 and 15 of the whole line, 12 and 13 here; clock ticks.
  return (tonumber(fields[12]) + tonumber(fields[13])) / 100
end

function done(summary, latency, requests)
  local totals = { 0, 0, 0, 0, 0, 0 }
  for _, thread in ipairs(threads) do
    local counted = thread:get('classes')
    for i = 1, 6 do totals[i] = totals[i] + counted[i] end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"durationUs":%d,"requests":%d,"bytes":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,'
      .. '"statuses":{"1xx":%d,"2xx":%d,"3xx":%d,"4xx":%d,"5xx":%d,"other":%d},'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"cpuSeconds":%.2f}\n',
    summary.duration, summary.requests, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    totals[1], totals[2], totals[3], totals[4], totals[5], totals[6],
    e.connect, e.read, e.write, e.timeout, cpu_seconds()))
end
