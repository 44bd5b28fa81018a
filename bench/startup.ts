import {
  API_COMMAND,
  cpuSeconds,
  freePort,
  median,
  peakRssMb,
  type Server,
  startServer,
  stopServer,
  waitFor200,
} from './lib.js'

// Time from spawning `node <entry>` to the first 200 on a path, for the API as
// production starts it and for a bare Fastify app started the same way, in
// alternating order so both see the same machine state. Besides the wall-clock
// time, the CPU time the process had used by its first 200: on a machine shared
// with other work the wall clock moves with the neighbours, CPU time much less.

export type StartupResult = {
  path: string
  runs: number
  apiMs: number[]
  bareMs: number[]
  apiMedianMs: number
  bareMedianMs: number
  overheadMs: number
  /** CPU milliseconds (user + system) used by the first 200, medians. */
  apiCpuMs: number | null
  bareCpuMs: number | null
  apiIdleRssMb: number | null
}

export async function measureStartup(options: {
  runs: number
  path: string
  apiEnv: Record<string, string>
  /** The bare app's environment: the same NODE_OPTIONS as the API, so both start the same way. */
  bareEnv?: Record<string, string>
  fixture: string
}): Promise<StartupResult> {
  const apiMs: number[] = []
  const bareMs: number[] = []
  const cpu = new Map<number[], number[]>([
    [apiMs, []],
    [bareMs, []],
  ])
  let apiIdleRssMb: number | null = null
  const starts: [string[], Record<string, string>, number[]][] = [
    [API_COMMAND, options.apiEnv, apiMs],
    [['node', 'bench/servers/ceiling.mjs', options.fixture], options.bareEnv ?? {}, bareMs],
  ]
  for (let run = 0; run < options.runs; run++) {
    const order = run % 2 === 0 ? starts : [...starts].reverse()
    for (const [command, env, times] of order) {
      const port = await freePort()
      // The API starts as in production, metrics on, each start on a free port.
      const withMetrics = env === options.apiEnv ? { ...env, METRICS_PORT: String(await freePort()) } : env
      const server: Server = startServer(command[1] ?? 'server', command, withMetrics, port)
      try {
        times.push(await waitFor200(server, options.path))
        const used = cpuSeconds(server.child.pid)
        if (used !== null) cpu.get(times)?.push(used * 1000)
        if (times === apiMs) apiIdleRssMb = peakRssMb(server.child.pid)
      } finally {
        await stopServer(server)
      }
    }
  }
  const apiMedianMs = median(apiMs)
  const bareMedianMs = median(bareMs)
  return {
    path: options.path,
    runs: options.runs,
    apiMs,
    bareMs,
    apiMedianMs,
    bareMedianMs,
    overheadMs: apiMedianMs - bareMedianMs,
    apiCpuMs: cpu.get(apiMs)?.length === options.runs ? median(cpu.get(apiMs) ?? []) : null,
    bareCpuMs: cpu.get(bareMs)?.length === options.runs ? median(cpu.get(bareMs) ?? []) : null,
    apiIdleRssMb,
  }
}
