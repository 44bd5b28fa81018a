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
// Where the image keeps Node's compile cache (NODE_COMPILE_CACHE in the Dockerfile,
// Node 22+), so do both servers here: a cache directory of their own, written by
// one untimed start of each, stopped with SIGTERM as the image's build stops it.

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
  /** Both servers started with a primed compile cache (only where the runtime has one). */
  compileCache: boolean
}

export async function measureStartup(options: {
  runs: number
  path: string
  apiEnv: Record<string, string>
  /** The bare app's environment: the same NODE_OPTIONS as the API, so both start the same way. */
  bareEnv?: Record<string, string>
  fixture: string
  /** A directory for Node's compile cache, as the image has one; unset: none. */
  compileCache?: string
}): Promise<StartupResult> {
  const apiMs: number[] = []
  const bareMs: number[] = []
  const cpu = new Map<number[], number[]>([
    [apiMs, []],
    [bareMs, []],
  ])
  let apiIdleRssMb: number | null = null
  const cache: Record<string, string> = options.compileCache
    ? { NODE_COMPILE_CACHE: options.compileCache }
    : {}
  const starts: [string[], Record<string, string>, number[]][] = [
    [API_COMMAND, { ...options.apiEnv, ...cache }, apiMs],
    [['node', 'bench/servers/ceiling.mjs', options.fixture], { ...options.bareEnv, ...cache }, bareMs],
  ]
  const start = async (command: string[], env: Record<string, string>) => {
    // The API starts as in production, metrics on, each start on a free port.
    const withMetrics = command === API_COMMAND ? { ...env, METRICS_PORT: String(await freePort()) } : env
    const port = await freePort()
    return startServer(command[1] ?? 'server', command, withMetrics, port)
  }
  if (options.compileCache) {
    for (const [command, env] of starts) {
      const server = await start(command, env)
      await waitFor200(server, options.path)
      await stopServer(server, 'SIGTERM')
    }
  }
  for (let run = 0; run < options.runs; run++) {
    const order = run % 2 === 0 ? starts : [...starts].reverse()
    for (const [command, env, times] of order) {
      const server: Server = await start(command, env)
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
    compileCache: options.compileCache !== undefined,
  }
}
