import {
  API_COMMAND,
  freePort,
  get,
  type Load,
  load,
  median,
  type Server,
  startServer,
  stopServer,
  waitFor200,
} from './lib.js'

// What the Prometheus metrics cost: the same production server started twice,
// with METRICS_PORT=0 and with metrics on, loaded in alternating order on the
// answers where a per-request hook weighs most: the smallest ones. A 304 from the
// response cache is the cheapest request the API serves (answered from the first
// onRequest hook, no body); /healthz is the smallest answer that goes through a
// route handler and the serializer.
//
// Besides throughput, the server's own CPU time per request (from /proc): on a
// machine shared with other work, req/s moves with the neighbours' load while CPU
// per request moves much less, so the difference of the two CPU figures is the
// truer price of the metrics hook.

type Measured = Load & { cpuUs: number | null }

export type MetricsCostRow = {
  scenario: string
  offRps: number
  onRps: number
  /** Throughput with metrics on ÷ off: 1 means free. */
  ratio: number
  offP99: number
  onP99: number
  /** Server CPU microseconds per request (median over rounds). */
  offCpuUs: number | null
  onCpuUs: number | null
  rounds: { off: Measured[]; on: Measured[] }
}

export type MetricsCostResult = {
  rows: MetricsCostRow[]
  /** Lines in one scrape after the load, and its size in bytes. */
  scrapeLines: number
  scrapeBytes: number
}

export async function measureMetricsCost(options: {
  apiEnv: Record<string, string>
  seconds: number
  rounds: number
  warmup: number
  connections: number
}): Promise<MetricsCostResult> {
  const metricsPort = await freePort()
  // One at a time, each once the other answers (run.ts says why).
  const servers: { name: 'off' | 'on'; server: Server }[] = []
  try {
    for (const [name, port] of [
      ['off', '0'],
      ['on', String(metricsPort)],
    ] as const) {
      const server = startServer(
        `api, metrics ${name}`,
        API_COMMAND,
        { ...options.apiEnv, METRICS_PORT: port },
        await freePort(),
      )
      servers.push({ name, server })
      await waitFor200(server, '/v1/resources')
    }
    const path = '/v1/resources?category=general'
    const etag = (await get(servers[0]?.server.port ?? 0, path)).headers.etag ?? ''
    const scenarios: { name: string; path: string; headers: Record<string, string>; status: number }[] = [
      { name: 'conditional → 304 (cached)', path, headers: { 'if-none-match': etag }, status: 304 },
      { name: '/healthz', path: '/healthz', headers: {}, status: 200 },
    ]
    for (const scenario of scenarios) {
      for (const { server } of servers) {
        const answer = await get(server.port, scenario.path, scenario.headers)
        if (answer.status !== scenario.status)
          throw new Error(`${server.name} gave ${answer.status} on ${scenario.path}, not ${scenario.status}`)
      }
    }
    const run = async (
      server: Server,
      scenario: (typeof scenarios)[number],
      seconds: number,
    ): Promise<Measured> => {
      const result = await load({
        port: server.port,
        path: scenario.path,
        headers: scenario.headers,
        connections: options.connections,
        seconds,
        expect: scenario.status === 304 ? '3xx' : '2xx',
        serverPid: server.child.pid,
      })
      return { ...result, cpuUs: result.serverCpuUs }
    }
    if (options.warmup > 0) {
      for (const scenario of scenarios)
        for (const { server } of servers) await run(server, scenario, options.warmup)
    }
    const results = new Map<string, { off: Measured[]; on: Measured[] }>(
      scenarios.map((s) => [s.name, { off: [], on: [] }]),
    )
    for (let round = 0; round < options.rounds; round++) {
      for (const scenario of scenarios) {
        const order = round % 2 === 0 ? servers : [...servers].reverse()
        for (const { name, server } of order)
          results.get(scenario.name)?.[name].push(await run(server, scenario, options.seconds))
      }
    }
    const scrape = await get(metricsPort, '/metrics')
    if (scrape.status !== 200) throw new Error(`GET /metrics gave ${scrape.status}`)
    const text = scrape.body.toString()
    const mean = (loads: Load[]) => loads.reduce((sum, l) => sum + l.rps, 0) / loads.length
    const rows = scenarios.map((scenario): MetricsCostRow => {
      const rounds = results.get(scenario.name) ?? { off: [], on: [] }
      const offRps = mean(rounds.off)
      const onRps = mean(rounds.on)
      return {
        scenario: scenario.name,
        offRps,
        onRps,
        ratio: onRps / offRps,
        offP99: median(rounds.off.map((l) => l.p99)),
        onP99: median(rounds.on.map((l) => l.p99)),
        offCpuUs: cpuMedian(rounds.off),
        onCpuUs: cpuMedian(rounds.on),
        rounds,
      }
    })
    return {
      rows,
      scrapeLines: text.split('\n').filter((line) => line && !line.startsWith('#')).length,
      scrapeBytes: scrape.body.length,
    }
  } finally {
    for (const { server } of servers) await stopServer(server)
  }
}

function cpuMedian(loads: Measured[]): number | null {
  const values = loads.map((l) => l.cpuUs).filter((value): value is number => value !== null)
  return values.length === loads.length ? median(values) : null
}

function us(value: number | null): string {
  return value === null ? '–' : value.toFixed(1)
}

export function formatMetricsCost(result: {
  rows: Omit<MetricsCostRow, 'rounds'>[]
  scrapeLines: number
  scrapeBytes: number
}): string[] {
  return [
    'Metrics cost: the same server with METRICS_PORT=0 and with metrics on, alternating',
    '',
    '| Scenario | off req/s | on req/s | on ÷ off | off p99 ms | on p99 ms | off CPU µs/req | on CPU µs/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rows.map(
      (row) =>
        `| ${row.scenario} | ${Math.round(row.offRps)} | ${Math.round(row.onRps)} | ${row.ratio.toFixed(3)} | ${row.offP99} | ${row.onP99} | ${us(row.offCpuUs)} | ${us(row.onCpuUs)} |`,
    ),
    '',
    `One scrape after the load: ${result.scrapeLines} samples, ${result.scrapeBytes} bytes`,
  ]
}
