import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildDatabase } from '../src/db/build-database.js'
import { openReadOnly } from '../src/db/open.js'
import { correctSearch, vocabularyOf } from '../src/queries/search-correction.js'
import { typoBudget } from '../src/queries/typo-tolerance.js'
import { API_COMMAND, envNumber, freePort, get, median, startServer, stopServer, waitFor200 } from './lib.js'
import { realWords, syntheticDataset } from './synthetic.js'

// Typo correction and exports at scale: a synthetic catalog (default 100,000
// resources) through the real seed writer, then
//   1. correction in-process: reading the vocabulary once, then correcting words
//      a typo or two away from real ones (CPU time per correction);
//   2. the production server (node dist/server.mjs, response cache off): latency
//      of a corrected search against the exact one, on one connection;
//   3. each export streamed in full, the server's resident memory sampled while
//      it streams, to a fast reader and to one that stops reading for a while.
// `npm run bench:exports` (builds first). BENCH_EXPORT_SIZE sets the catalog size.

const size = envNumber('BENCH_EXPORT_SIZE', 100_000)

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 102.4) / 10
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0
}

/** A word one or two typos away from `word` (the first letter kept). */
function typo(word: string, seed: number): string {
  const chars = [...word]
  const at = 1 + (seed % (chars.length - 1))
  switch (seed % 4) {
    case 0:
      if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1] as string, chars[at] as string]
      break
    case 1:
      chars.splice(at, 1)
      break
    case 2:
      chars.splice(at, 0, 'q')
      break
    default:
      chars[at] = chars[at] === 'x' ? 'z' : 'x'
  }
  return chars.join('')
}

function correctionTimes(databasePath: string) {
  const db = openReadOnly(databasePath)
  try {
    let started = performance.now()
    const vocabulary = vocabularyOf(db)
    const loadMs = performance.now() - started
    const words = realWords()
      .filter((word) => word.length >= 5)
      .slice(0, 400)
    const queries = words.map((word, i) => typo(word, i)).filter((word) => typoBudget(word) > 0)
    const cpu: number[] = []
    let corrected = 0
    for (let round = 0; round < 3; round++) {
      for (const word of queries) {
        const before = process.cpuUsage()
        started = performance.now()
        const result = correctSearch(db, [word])
        const used = process.cpuUsage(before)
        if (round === 2) {
          cpu.push((used.user + used.system) / 1000)
          if (result) corrected++
        }
      }
    }
    cpu.sort((a, b) => a - b)
    return {
      terms: vocabulary.size,
      vocabularyLoadMs: Math.round(loadMs),
      corrections: cpu.length,
      corrected,
      cpuMsP50: quantile(cpu, 0.5),
      cpuMsP99: quantile(cpu, 0.99),
      cpuMsMax: quantile(cpu, 1),
    }
  } finally {
    db.close()
  }
}

type Streamed = { bytes: number; seconds: number; peakRssMb: number; rows: string | undefined }

/** Reads a whole answer, counting bytes, sampling the server's RSS; pauses the reading once if asked. */
function stream(port: number, path: string, pid: number | undefined, pauseMs = 0): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    let peak = rssMb(pid)
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid))
    }, 20)
    const started = performance.now()
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let bytes = 0
      let paused = pauseMs === 0
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (!paused && bytes > 1_000_000) {
          paused = true
          res.pause()
          setTimeout(() => res.resume(), pauseMs)
        }
      })
      res.on('end', () => {
        clearInterval(sampler)
        peak = Math.max(peak, rssMb(pid))
        resolve({
          bytes,
          seconds: (performance.now() - started) / 1000,
          peakRssMb: peak,
          rows: res.headers['x-total-count'] as string | undefined,
        })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function latency(port: number, path: string, runs: number): Promise<{ p50: number; p99: number }> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const answer = await get(port, path)
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`)
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { p50: median(times), p99: quantile(times, 0.99) }
}

const given = process.env.BENCH_EXPORT_DATABASE
const dir = mkdtempSync(join(tmpdir(), 'dra-exports-'))
try {
  const databasePath = given && existsSync(given) ? given : join(dir, 'resources.db')
  if (databasePath !== given) {
    const started = performance.now()
    buildDatabase(databasePath, syntheticDataset(size), `synthetic-${size}`)
    console.log(`seeded ${size} resources in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  console.log('correction', JSON.stringify(correctionTimes(databasePath)))

  const port = await freePort()
  const server = startServer(
    'api',
    API_COMMAND,
    {
      DATABASE_PATH: databasePath,
      RESPONSE_CACHE_ENTRIES: '0',
      RATE_LIMIT_MAX: '0',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      LOG_LEVEL: 'info',
    },
    port,
  )
  try {
    await waitFor200(server, '/v1/resources')
    const pid = server.child.pid
    // First correction reads the vocabulary: timed apart from the rest.
    let started = performance.now()
    await get(port, '/v1/resources?q=contaimer')
    console.log(
      `first corrected search (reads the vocabulary): ${Math.round(performance.now() - started)} ms`,
    )
    for (const [name, path] of [
      ['exact search q=container', '/v1/resources?q=container'],
      ['corrected search q=contaimer', '/v1/resources?q=contaimer'],
      ['exact search, rare word q=production', '/v1/resources?q=production'],
      ['corrected rare word q=prodcution', '/v1/resources?q=prodcution'],
      ['no correction possible q=zzqqxxyy', '/v1/resources?q=zzqqxxyy'],
    ] as const) {
      const first = await get(port, path)
      const { p50, p99 } = await latency(port, path, 60)
      const body = JSON.parse(first.body.toString()) as {
        meta: { total: number; correctedQuery: string | null }
      }
      console.log(
        `${name}: total ${body.meta.total}, correctedQuery ${JSON.stringify(body.meta.correctedQuery)}, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
      )
    }

    const idle = rssMb(pid)
    console.log(`server RSS before exports: ${idle} MB`)
    for (const [name, path, pause] of [
      ['csv, every row', '/v1/resources?format=csv', 0],
      ['ndjson, every row', '/v1/resources?format=ndjson', 0],
      ['markdown, every row', '/v1/resources?format=markdown', 0],
      ['csv, sort=title', '/v1/resources?format=csv&sort=title', 0],
      ['ndjson, q=docker by relevance', '/v1/resources?format=ndjson&q=docker', 0],
      ['csv, category=general', '/v1/resources?format=csv&category=general', 0],
      ['ndjson, a reader that stops for 3 s', '/v1/resources?format=ndjson', 3000],
    ] as const) {
      started = performance.now()
      const result = await stream(port, path, pid, pause)
      console.log(
        `${name}: ${result.rows} rows, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(1)} s, server RSS peak ${result.peakRssMb} MB (+${(result.peakRssMb - idle).toFixed(1)} MB)`,
      )
    }
  } finally {
    await stopServer(server)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
