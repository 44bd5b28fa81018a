import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildDatabase } from '../src/db/build-database.js'
import { openReadOnly } from '../src/db/open.js'
import { encodeCursor, queryFingerprint } from '../src/queries/cursor.js'
import {
  envNumber,
  freePort,
  get,
  load,
  median,
  pinSelf,
  startServer,
  stopServer,
  waitFor200,
} from './lib.js'
import { realWords, syntheticDataset } from './synthetic.js'

// Growth: a synthetic catalog (default 100,000 resources) written through the real
// seed writer, then served by the production build with the response cache off,
// so every request runs its queries. One connection: latency is the cost of one
// request, not time spent queueing behind others.

export type GrowthRow = { name: string; path: string; matches: number; p50: number; p99: number; rps: number }
export type GrowthResult = {
  size: number
  generateSeconds: number
  seedSeconds: number
  depth: number
  rows: GrowthRow[]
}

export async function runGrowth(size: number, seconds: number): Promise<GrowthResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dra-growth-'))
  try {
    const databasePath = join(dir, 'resources.db')
    let started = performance.now()
    const dataset = syntheticDataset(size)
    const generateSeconds = (performance.now() - started) / 1000
    started = performance.now()
    buildDatabase(databasePath, dataset, `synthetic-${size}`)
    const seedSeconds = (performance.now() - started) / 1000

    const db = openReadOnly(databasePath)
    const general = db.prepare("SELECT count(*) AS n FROM resources WHERE category = 'general'").get() as {
      n: number
    }
    const depth = Math.max(20, Math.floor((general.n * 0.9) / 20) * 20)
    const before = db
      .prepare("SELECT position FROM resources WHERE category = 'general' ORDER BY position LIMIT 1 OFFSET ?")
      .get(depth - 1) as { position: number }
    db.close()
    const fingerprint = queryFingerprint(
      { categories: ['general'], tags: [], hosts: [], linkStatuses: [], match: null },
      'position',
    )
    const cursor = encodeCursor(fingerprint, 'position', { key: null, position: before.position }, depth)

    const port = await freePort()
    const server = startServer(
      'api (100k)',
      ['node', 'dist/server.mjs'],
      {
        DATABASE_PATH: databasePath,
        RESPONSE_CACHE_ENTRIES: '0',
        RATE_LIMIT_MAX: '0',
        LOG_LEVEL: 'info',
        METRICS_PORT: String(await freePort()),
      },
      port,
    )
    try {
      await waitFor200(server, '/v1/resources')
      const midWords = ['production', 'python', 'container', 'deploy', 'image', 'flask', 'nginx']
      const scenarios: { name: string; paths: string[] }[] = [
        { name: 'search, common word (q=docker)', paths: ['/v1/resources?q=docker'] },
        { name: 'search, rotating words', paths: midWords.map((word) => `/v1/resources?q=${word}`) },
        { name: 'prefix search (q=dock)', paths: ['/v1/resources?q=dock'] },
        {
          name: 'search, a new word each request',
          paths: realWords()
            .slice(10, 1010)
            .map((word) => `/v1/resources?q=${word}`),
        },
        { name: 'filtered page (category=general)', paths: ['/v1/resources?category=general&limit=20'] },
        {
          name: 'filtered page (category + tag)',
          paths: ['/v1/resources?category=general&tag=django&limit=20'],
        },
        {
          name: 'filtered page, a new filter each request',
          paths: Array.from(
            { length: 2000 },
            (_, i) => `/v1/resources?category=general&host=site${i}.example.com&limit=20`,
          ),
        },
        {
          name: `offset page at depth ${depth}`,
          paths: [`/v1/resources?category=general&limit=20&offset=${depth}`],
        },
        {
          name: `cursor page at depth ${depth}`,
          paths: [`/v1/resources?category=general&limit=20&cursor=${cursor}`],
        },
      ]
      const rows: GrowthRow[] = []
      for (const scenario of scenarios) {
        // Matches: the median over the last (up to) 25 of the scenario's queries; the
        // load starts from the first ones, which therefore stay unseen (cold).
        const counts: number[] = []
        for (const path of scenario.paths.slice(-25)) {
          const answer = await get(port, path)
          if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`)
          counts.push(Number(answer.headers['x-total-count'] ?? 0))
        }
        const result = await load({ port, paths: scenario.paths, connections: 1, seconds })
        rows.push({
          name: scenario.name,
          path: scenario.paths[0] ?? '',
          matches: median(counts),
          p50: result.p50,
          p99: result.p99,
          rps: result.rps,
        })
      }
      // The cursor and offset pages at the same depth hold the same resources.
      const [byOffset, byCursor] = [
        await get(port, scenarios.at(-2)?.paths[0] ?? ''),
        await get(port, scenarios.at(-1)?.paths[0] ?? ''),
      ]
      const ids = (answer: { body: Buffer }) =>
        JSON.stringify(
          (JSON.parse(answer.body.toString()) as { data: { id: string }[] }).data.map((r) => r.id),
        )
      if (ids(byOffset) !== ids(byCursor)) throw new Error('cursor and offset pages at depth differ')
      return { size, generateSeconds, seedSeconds, depth, rows }
    } finally {
      await stopServer(server)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('growth.ts')) {
  pinSelf()
  const result = await runGrowth(
    envNumber('BENCH_GROWTH_SIZE', 100_000),
    envNumber('BENCH_GROWTH_DURATION', 5),
  )
  console.log(JSON.stringify(result, null, 2))
}
