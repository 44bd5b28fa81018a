import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildDatabase } from '../src/db/build-database.js'
import { openReadOnly } from '../src/db/open.js'
import { encodeCursor, queryFingerprint } from '../src/queries/cursor.js'
import {
  API_COMMAND,
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
//
// Each scenario's first request is timed on its own ("first"): the server has
// not seen that query yet, so it pays whatever is computed once per query and
// connection (a search's ranking, a filter set's facets). The load then repeats
// the scenario's paths; "a new word each request" and "a new filter each request"
// keep that first-time cost in every request.

export type GrowthRow = {
  name: string
  path: string
  /** meta.total of the last requests (median); an estimate when estimated is true. */
  matches: number
  estimated: boolean
  /** The first request of the scenario, ms. */
  first: number
  p50: number
  p99: number
  rps: number
}
export type GrowthResult = {
  size: number
  generateSeconds: number
  seedSeconds: number
  depth: number
  /** The targets' queries: every search and filtered list, and cursor pages at depth. */
  rows: GrowthRow[]
  /** Measured and documented, outside the 20 ms target: offset paging and ranking past the kept results. */
  extras: GrowthRow[]
}

type Scenario = { name: string; paths: string[] }

/** Words of the page with one pair of inner letters swapped: typos the API corrects. */
function typos(words: string[]): string[] {
  return words
    .filter((word) => word.length >= 6)
    .map((word) => `${word.slice(0, 2)}${word[3]}${word[2]}${word.slice(4)}`)
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
    const positionAt = (offset: number) =>
      (
        db
          .prepare(
            "SELECT position FROM resources WHERE category = 'general' ORDER BY position LIMIT 1 OFFSET ?",
          )
          .get(offset - 1) as { position: number }
      ).position
    const host = (
      db
        .prepare('SELECT host FROM resources GROUP BY host ORDER BY count(*) DESC LIMIT 1 OFFSET 50')
        .get() as {
        host: string
      }
    ).host
    const fingerprint = queryFingerprint(
      { categories: ['general'], tags: [], hosts: [], linkStatuses: [], match: null },
      'position',
    )
    const cursorAt = (offset: number) =>
      encodeCursor(fingerprint, 'position', { key: null, position: positionAt(offset) }, offset)
    const [shallowCursor, deepCursor] = [cursorAt(20), cursorAt(depth)]
    db.close()

    const port = await freePort()
    const server = startServer(
      'api (100k)',
      API_COMMAND,
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
      await waitFor200(server, '/v1/categories')
      const words = realWords()
      const midWords = ['production', 'python', 'container', 'deploy', 'image', 'flask', 'nginx']
      const targets: Scenario[] = [
        { name: 'search, common word (q=docker)', paths: ['/v1/resources?q=docker'] },
        { name: 'search, rotating words', paths: midWords.map((word) => `/v1/resources?q=${word}`) },
        { name: 'prefix search (q=dock)', paths: ['/v1/resources?q=dock'] },
        {
          name: 'search, a new word each request',
          paths: words.slice(10, 1010).map((word) => `/v1/resources?q=${word}`),
        },
        { name: 'search, corrected typo (q=dokcer)', paths: ['/v1/resources?q=dokcer'] },
        {
          name: 'search + category (q=docker&category=general)',
          paths: ['/v1/resources?q=docker&category=general'],
        },
        { name: 'search in title order (q=docker&sort=title)', paths: ['/v1/resources?q=docker&sort=title'] },
        { name: 'filtered page (category=general)', paths: ['/v1/resources?category=general&limit=20'] },
        {
          name: 'filtered page (category + tag)',
          paths: ['/v1/resources?category=general&tag=django&limit=20'],
        },
        { name: 'filtered page (link=broken)', paths: ['/v1/resources?link=broken&limit=20'] },
        { name: `filtered page (host=${host})`, paths: [`/v1/resources?host=${host}&limit=20`] },
        {
          name: 'filtered page, a new filter each request',
          paths: Array.from(
            { length: 2000 },
            (_, i) => `/v1/resources?category=general&host=site${i}.example.com&limit=20`,
          ),
        },
        {
          name: 'cursor page near the start (depth 20)',
          paths: [`/v1/resources?category=general&limit=20&cursor=${shallowCursor}`],
        },
        {
          name: `cursor page at depth ${depth}`,
          paths: [`/v1/resources?category=general&limit=20&cursor=${deepCursor}`],
        },
      ]
      const extras: Scenario[] = [
        {
          name: `offset page at depth ${depth}`,
          paths: [`/v1/resources?category=general&limit=20&offset=${depth}`],
        },
        {
          name: 'search, a new typo each request (50 in turn)',
          paths: typos(words.slice(10, 80)).map((typo) => `/v1/resources?q=${typo}`),
        },
        {
          name: 'search page past the kept 10,000 results (q=flask&offset=12000)',
          paths: ['/v1/resources?q=flask&offset=12000'],
        },
      ]
      const measure = async (scenario: Scenario): Promise<GrowthRow> => {
        const path = scenario.paths[0] ?? ''
        const before = performance.now()
        const firstAnswer = await get(port, path)
        const first = performance.now() - before
        if (firstAnswer.status !== 200) throw new Error(`${path} answered ${firstAnswer.status}`)
        // Matches: the median over the last (up to) 25 of the scenario's queries; the
        // load starts from the first ones, which therefore stay unseen (cold).
        const counts: number[] = []
        let estimated = false
        for (const next of scenario.paths.slice(-25)) {
          const answer = await get(port, next)
          if (answer.status !== 200) throw new Error(`${next} answered ${answer.status}`)
          const meta = (
            JSON.parse(answer.body.toString()) as { meta: { total: number; totalIsEstimate: boolean } }
          ).meta
          counts.push(meta.total)
          estimated ||= meta.totalIsEstimate
        }
        const paths = scenario.paths.length > 1 ? scenario.paths.slice(1) : scenario.paths
        const result = await load({ port, paths, connections: 1, seconds })
        return {
          name: scenario.name,
          path,
          matches: median(counts),
          estimated,
          first,
          p50: result.p50,
          p99: result.p99,
          rps: result.rps,
        }
      }
      const rows: GrowthRow[] = []
      for (const scenario of targets) rows.push(await measure(scenario))
      const extraRows: GrowthRow[] = []
      for (const scenario of extras) extraRows.push(await measure(scenario))

      // The cursor and offset pages at the same depth hold the same resources.
      const ids = (answer: { body: Buffer }) =>
        JSON.stringify(
          (JSON.parse(answer.body.toString()) as { data: { id: string }[] }).data.map((r) => r.id),
        )
      const byOffset = await get(port, extras[0]?.paths[0] ?? '')
      const byCursor = await get(port, targets.at(-1)?.paths[0] ?? '')
      if (ids(byOffset) !== ids(byCursor)) throw new Error('cursor and offset pages at depth differ')
      return { size, generateSeconds, seedSeconds, depth, rows, extras: extraRows }
    } finally {
      await stopServer(server)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The result as the Markdown table docs/search-at-scale.md shows. */
export function growthTable(result: GrowthResult): string {
  const line = (row: GrowthRow) =>
    `| ${row.name} | ${row.estimated ? '~' : ''}${row.matches.toLocaleString('en-US')} | ${row.first.toFixed(1)} | ${row.p50} | ${row.p99} | ${Math.round(row.rps)} |`
  return [
    '| Query | Matches | first ms | p50 ms | p99 ms | req/s |',
    '|---|---:|---:|---:|---:|---:|',
    ...result.rows.map(line),
    ...result.extras.map((row) => line({ ...row, name: `${row.name} (outside the target)` })),
  ].join('\n')
}

if (process.argv[1]?.endsWith('growth.ts')) {
  pinSelf()
  const result = await runGrowth(
    envNumber('BENCH_GROWTH_SIZE', 100_000),
    envNumber('BENCH_GROWTH_DURATION', 5),
  )
  console.log(JSON.stringify(result, null, 2))
  console.log(
    `\n${result.size.toLocaleString('en-US')} resources generated in ${result.generateSeconds.toFixed(1)} s, seeded in ${result.seedSeconds.toFixed(1)} s\n`,
  )
  console.log(growthTable(result))
}
