import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { autocannon, countFiveHundreds, scenarios } from './mix.js'

// The stress run's request mix (mix.ts) against a server started elsewhere: a
// container (scripts/container-test.sh) or a load balancer (scripts/scale-test.sh).
//
//   tsx scripts/stress/load.ts http://127.0.0.1:3000 --connections 100 --seconds 60
//
// Prints one line of figures and, with --json FILE, writes them as JSON. Exits 1 if
// any request failed (connection error or timeout) or got a 5xx. --no-health
// leaves /healthz and /readyz out: through a balancer, /readyz is answered by
// whichever replica, and a draining one rightly says 503.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    timeout: { type: 'string', default: '10' },
    json: { type: 'string' },
    'no-health': { type: 'boolean', default: false },
  },
})
const origin = positionals[0]
if (!origin || !/^https?:\/\//.test(origin)) {
  process.stderr.write(
    'usage: tsx scripts/stress/load.ts ORIGIN [--connections N] [--seconds N] [--json FILE] [--no-health]\n',
  )
  process.exit(2)
}

const all = await scenarios(origin)
const requests = values['no-health'] ? all.filter((r) => r.path !== '/healthz' && r.path !== '/readyz') : all
const result = await autocannon({
  url: origin,
  connections: Number(values.connections),
  duration: Number(values.seconds),
  timeout: Number(values.timeout),
  requests,
})
const figures = {
  origin,
  connections: Number(values.connections),
  seconds: Number(values.seconds),
  requests: result.requests.total,
  requestsPerSecond: Math.round(result.requests.average),
  errors: result.errors,
  timeouts: result.timeouts,
  fiveHundreds: countFiveHundreds(result),
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`)
process.stdout.write(
  `${figures.requests} requests, ${figures.requestsPerSecond}/s, ${figures.errors} errors, ${figures.timeouts} timeouts, ${figures.fiveHundreds} 5xx; latency p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms, max ${figures.latencyMs.max} ms; statuses ${JSON.stringify(figures.statuses)}\n`,
)
process.exit(figures.errors === 0 && figures.timeouts === 0 && figures.fiveHundreds === 0 ? 0 : 1)
