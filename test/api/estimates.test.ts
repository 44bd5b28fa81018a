import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realWords, syntheticDataset } from '../../bench/synthetic.js'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { STORED_RANKED } from '../../src/queries/ranking.js'
import { BM25 } from '../../src/queries/resources.js'
import { ESTIMATE_ABOVE, sampleHash, searchSet } from '../../src/queries/search-set.js'
import { toMatchExpression } from '../../src/queries/search-text.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { tempDir } from '../helpers/temp-dir.js'

// The estimated-totals contract, on a synthetic catalog of 5,000 resources (the
// real page's words, Zipf-like): a search matching more than ESTIMATE_ABOVE
// resources answers estimated counts (meta.totalIsEstimate: true), one matching
// fewer answers exact ones; pages and cursors reach every match in exact order
// either way. Exact answers are computed here straight from the SQLite file.

const SIZE = 5000
let synthetic: TestApp
let app: TestApp['app']
let db: Database.Database

beforeAll(async () => {
  synthetic = await startTestApp(
    { RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0', RESPONSE_CACHE_ENTRIES: '0' },
    undefined,
    { dataset: syntheticDataset(SIZE) },
  )
  app = synthetic.app
  db = new Database(synthetic.databasePath, { readonly: true })
}, 60_000)

afterAll(async () => {
  db?.close()
  await synthetic?.close()
})

type Facet = { value: string; name: string; count: number }
type List = {
  data: { id: string; title: string; category: string; host: string; position: number }[]
  meta: {
    total: number
    totalIsEstimate: boolean
    offset: number
    nextCursor: string | null
    correctedQuery: string | null
    facets: { category: Facet[]; tag: Facet[]; link: Facet[] }
  }
  links: { next: string | null; last: string | null }
}

async function get(url: string) {
  const response = await app.inject({ method: 'GET', url })
  expect(response.statusCode, url).toBe(200)
  return { body: response.json() as List, headers: response.headers }
}

function match(text: string): string {
  const search = toMatchExpression(text)
  if (!search.ok) throw new Error(search.message)
  return search.match
}

/** How many resources a search matches, counted by FTS5 directly. */
function matches(text: string): number {
  return (
    db.prepare('SELECT count(*) AS n FROM resources_fts WHERE resources_fts MATCH ?').get(match(text)) as {
      n: number
    }
  ).n
}

/** The exact relevance order of a search (with an optional extra WHERE on r), by SQL. */
function ranked(text: string, extra = '1 = 1', ...params: unknown[]): string[] {
  return (
    db
      .prepare(
        `SELECT r.id FROM (SELECT rowid, ${BM25} AS rank FROM resources_fts WHERE resources_fts MATCH ?) f
         JOIN resources r ON r.row_id = f.rowid WHERE ${extra} ORDER BY f.rank, r.position`,
      )
      .all(match(text), ...params) as { id: string }[]
  ).map((row) => row.id)
}

/** Exact category counts of a search's matches. */
function categoryCounts(text: string): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT r.category AS category, count(*) AS n FROM resources r
       WHERE r.row_id IN (SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?) GROUP BY r.category`,
    )
    .all(match(text)) as { category: string; n: number }[]
  return new Map(rows.map((row) => [row.category, row.n]))
}

/** Follows links.next from the first page to the end, returning every id in order. */
async function walk(first: string): Promise<string[]> {
  const ids: string[] = []
  let url: string | null = first
  for (let pages = 0; url !== null; pages++) {
    expect(pages).toBeLessThan(200)
    const { body }: { body: List } = await get(url)
    expect(body.meta.offset).toBe(ids.length)
    ids.push(...body.data.map((resource) => resource.id))
    url = body.links.next
  }
  return ids
}

// Words of the synthetic catalog from common to rare: some above the threshold, some below.
const words = realWords()
  .slice(0, 400)
  .filter((_, index) => index % 20 === 0)

describe('estimated totals (a search matching more than ESTIMATE_ABOVE resources)', () => {
  it('are estimates exactly when the search matches more than the threshold, exact otherwise', async () => {
    const sizes: number[] = []
    for (const word of words) {
      const size = matches(word)
      sizes.push(size)
      const { body, headers } = await get(`/v1/resources?q=${word}`)
      expect(body.meta.totalIsEstimate, `${word}: ${size} matches`).toBe(size > ESTIMATE_ABOVE)
      if (size > ESTIMATE_ABOVE) {
        expect(headers['x-total-count']).toBeUndefined()
        expect(body.links.last).toBeNull()
        expect(headers.link).not.toContain('rel="last"')
      } else {
        expect(headers['x-total-count']).toBe(String(size))
        expect(body.links.last).not.toBeNull()
        expect(headers.link).toContain('rel="last"')
      }
      // A search alone is counted exactly either way.
      expect(body.meta.total).toBe(size)
    }
    // The words cover both sides of the threshold.
    expect(sizes.some((size) => size > ESTIMATE_ABOVE)).toBe(true)
    expect(sizes.some((size) => size > 0 && size <= ESTIMATE_ABOVE)).toBe(true)
  })

  it('below the threshold, facets are the exact counts', async () => {
    const word = words.find((candidate) => {
      const size = matches(candidate)
      return size > 100 && size <= ESTIMATE_ABOVE
    }) as string
    const { body } = await get(`/v1/resources?q=${word}`)
    expect(body.meta.totalIsEstimate).toBe(false)
    const exact = categoryCounts(word)
    expect(new Map(body.meta.facets.category.map((facet) => [facet.value, facet.count]))).toEqual(exact)
    const linkCounts = db
      .prepare(
        `SELECT link_status AS status, count(*) AS n FROM resources
         WHERE row_id IN (SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?) GROUP BY link_status`,
      )
      .all(match(word)) as { status: string; n: number }[]
    for (const facet of body.meta.facets.link) {
      expect(facet.count).toBe(linkCounts.find((row) => row.status === facet.value)?.n ?? 0)
    }
  })

  it('above the threshold, facets are estimates close to the exact counts, and sum to the total', async () => {
    for (const word of ['docker', 'flask']) {
      expect(matches(word)).toBeGreaterThan(ESTIMATE_ABOVE)
      const { body } = await get(`/v1/resources?q=${word}`)
      expect(body.meta.totalIsEstimate).toBe(true)
      const exact = categoryCounts(word)
      for (const facet of body.meta.facets.category) {
        const truth = exact.get(facet.value) ?? 0
        // About 1,000 sampled matches: a category holding a tenth or more of them is
        // within a third of its count (more than four standard errors).
        if (truth > body.meta.total / 10)
          expect(Math.abs(facet.count - truth) / truth, facet.value).toBeLessThan(1 / 3)
      }
      const tags = new Map(
        (
          db
            .prepare(
              `SELECT tag, count(*) AS n FROM resource_tags WHERE resource_row_id IN
               (SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?) GROUP BY tag`,
            )
            .all(match(word)) as { tag: string; n: number }[]
        ).map((row) => [row.tag, row.n]),
      )
      for (const facet of body.meta.facets.tag) {
        const truth = tags.get(facet.value) ?? 0
        if (truth > body.meta.total / 10)
          expect(Math.abs(facet.count - truth) / truth, facet.value).toBeLessThan(1 / 3)
      }
      expect(body.meta.facets.tag.some((facet) => (tags.get(facet.value) ?? 0) > body.meta.total / 10)).toBe(
        true,
      )
      const sum = body.meta.facets.category.reduce((total, facet) => total + facet.count, 0)
      expect(Math.abs(sum - body.meta.total)).toBeLessThanOrEqual(body.meta.facets.category.length)
    }
  })

  it('with another filter, the estimate is close, never below the rows shown, and counted exactly when few pass', async () => {
    const { body } = await get('/v1/resources?q=docker&category=general')
    const truth = ranked('docker', 'r.category = ?', 'general').length
    expect(body.meta.totalIsEstimate).toBe(true)
    expect(Math.abs(body.meta.total - truth) / truth).toBeLessThan(0.2)
    for (const resource of body.data) expect(resource.category).toBe('general')
    // A host holds a few dozen resources: too few sampled matches pass, so the total is counted.
    const host = db.prepare('SELECT host FROM resources WHERE row_id = 1').pluck().get() as string
    const few = await get(`/v1/resources?q=docker&host=${host}&limit=5`)
    expect(few.body.meta.totalIsEstimate).toBe(true)
    expect(few.body.meta.total).toBe(ranked('docker', 'r.host = ?', host).length)
  })

  it('ranks exactly: every page, offset or cursor, within and past the kept ranking', async () => {
    // Offsets that jump past the first kept 1,000 rank for themselves...
    const docker = ranked('docker')
    for (const offset of [2500, docker.length - 3]) {
      const { body } = await get(`/v1/resources?q=docker&limit=20&offset=${offset}&fields=id`)
      expect(body.data.map((resource) => resource.id)).toEqual(docker.slice(offset, offset + 20))
    }
    // ...a walk reads the ranking on, a chunk at a time...
    expect(await walk('/v1/resources?q=docker&limit=100&fields=id')).toEqual(docker)
    const word = 'flask'
    const exact = ranked(word)
    expect(exact.length).toBeGreaterThan(ESTIMATE_ABOVE)
    expect(await walk(`/v1/resources?q=${word}&limit=100&fields=id`)).toEqual(exact)
    // ...and every page of what is kept is sliced from it.
    for (const offset of [0, 980, 981, 1000, 1001, exact.length - 3]) {
      const { body } = await get(`/v1/resources?q=${word}&limit=20&offset=${offset}&fields=id`)
      expect(body.data.map((resource) => resource.id)).toEqual(exact.slice(offset, offset + 20))
      expect(body.links.next === null).toBe(offset + 20 >= exact.length)
    }
  })

  it('walks every match once in title and page order, and with a filter', async () => {
    const all = db
      .prepare(
        `SELECT r.id FROM resources r WHERE r.row_id IN (SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?)
         ORDER BY r.title COLLATE NOCASE DESC, r.position`,
      )
      .all(match('docker')) as { id: string }[]
    expect(await walk('/v1/resources?q=docker&sort=-title&limit=100&fields=id')).toEqual(
      all.map((row) => row.id),
    )
    const inPageOrder = await walk('/v1/resources?q=flask&sort=position&limit=100&fields=id')
    expect(inPageOrder).toEqual([...ranked('flask')].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))))
    const filtered = await walk('/v1/resources?q=docker&category=general&limit=100&fields=id')
    expect(filtered).toEqual(ranked('docker', 'r.category = ?', 'general'))
  })

  it('exports every match and count them exactly in X-Total-Count', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/resources?q=docker&category=general&format=ndjson',
    })
    const lines = response.body.trimEnd().split('\n')
    expect(lines).toHaveLength(ranked('docker', 'r.category = ?', 'general').length)
    expect(response.headers['x-total-count']).toBe(String(lines.length))
  })

  it('corrects a typo of a common word and answers the corrected search with estimates', async () => {
    const { body } = await get('/v1/resources?q=dokcer')
    expect(body.meta.correctedQuery).toBe('docker')
    expect(body.meta.totalIsEstimate).toBe(true)
    expect(body.meta.total).toBe(matches('docker'))
  })
})

describe("the seed's stored rankings (a common word searched alone)", () => {
  type Stored = { match: string; rowIds: string; ranks: string }
  const stored = () =>
    db.prepare('SELECT match, row_ids AS rowIds, ranks FROM search_rankings').all() as Stored[]

  it('hold, for every word of the index in more than ESTIMATE_ABOVE resources, the head of its exact ranking', () => {
    const rows = stored()
    // The words of the index with their document counts, as the seed reads them.
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, resources_fts, row)')
    const common = db
      .prepare(`SELECT '"' || term || '"*' FROM temp.terms WHERE doc > ? ORDER BY 1`)
      .pluck()
      .all(ESTIMATE_ABOVE)
    expect(rows.map((row) => row.match).sort()).toEqual(common)
    expect(rows.length).toBeGreaterThan(5)
    for (const row of rows) {
      const live = db
        .prepare(
          `SELECT rowid AS rowId, ${BM25} AS rank FROM resources_fts WHERE resources_fts MATCH ?
           ORDER BY rank, rowid LIMIT ${STORED_RANKED}`,
        )
        .all(row.match) as { rowId: number; rank: number }[]
      expect(JSON.parse(row.rowIds), row.match).toEqual(live.map((hit) => hit.rowId))
      expect(JSON.parse(row.ranks), row.match).toEqual(live.map((hit) => hit.rank))
    }
  })

  it('are what the first pages of such a search are read from', async () => {
    // A copy of the catalog whose stored "flask" ranking has its first two rows
    // swapped: the API's first page follows the stored order, not a new ranking.
    const { dir, cleanup } = tempDir()
    const copy = join(dir, 'resources.db')
    copyFileSync(synthetic.databasePath, copy)
    const writable = new Database(copy)
    const row = writable
      .prepare('SELECT row_ids FROM search_rankings WHERE match = ?')
      .pluck()
      .get(match('flask'))
    const rowIds = JSON.parse(row as string) as number[]
    ;[rowIds[0], rowIds[1]] = [rowIds[1] as number, rowIds[0] as number]
    writable
      .prepare('UPDATE search_rankings SET row_ids = ? WHERE match = ?')
      .run(JSON.stringify(rowIds), match('flask'))
    writable.close()
    const tampered = await buildApp(
      loadConfig({ DATABASE_PATH: copy, LOG_LEVEL: 'silent', RESPONSE_CACHE_ENTRIES: '0' }),
      {
        logger: false,
      },
    )
    try {
      const response = await tampered.inject({
        method: 'GET',
        url: '/v1/resources?q=flask&limit=5&fields=id',
      })
      const exact = ranked('flask').slice(0, 5)
      expect(response.json().data.map((resource: { id: string }) => resource.id)).toEqual([
        exact[1],
        exact[0],
        ...exact.slice(2),
      ])
      // With another filter the search ranks for itself.
      const filtered = await tampered.inject({
        method: 'GET',
        url: '/v1/resources?q=flask&category=general&limit=5&fields=id',
      })
      expect(filtered.json().data.map((resource: { id: string }) => resource.id)).toEqual(
        ranked('flask', "r.category = 'general'").slice(0, 5),
      )
    } finally {
      await tampered.close()
      cleanup()
    }
  })
})

describe('the sample counts are made over', () => {
  it('is what the hash cut-off picks in SQL, whether counted and sampled in one pass or two', () => {
    const sizes = realWords()
      .slice(0, 60)
      .map((word) => ({ word, size: matches(word) }))
    const many = sizes.find(({ size }) => size >= 4 * ESTIMATE_ABOVE)
    const fewer = sizes.find(({ size }) => size > ESTIMATE_ABOVE && size < 4 * ESTIMATE_ABOVE)
    expect(many && fewer, 'words on both sides of the one-pass size').toBeTruthy()
    for (const { word, size } of [many, fewer] as { word: string; size: number }[]) {
      const set = searchSet(db, match(word))
      expect(set.size, word).toBe(size)
      const cutOff = Math.ceil((2 ** 16 * ESTIMATE_ABOVE) / size)
      const expected = db
        .prepare(
          `SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?
           AND (((rowid * 2654435761) & 4294967295) >> 16) < ? ORDER BY rowid`,
        )
        .pluck()
        .all(match(word), cutOff)
      expect(
        [...(set.sample ?? [])].sort((a, b) => a - b),
        word,
      ).toEqual(expected)
      expect(Math.abs((set.sample?.length ?? 0) - ESTIMATE_ABOVE), word).toBeLessThan(ESTIMATE_ABOVE * 0.2)
    }
  })

  it("hashes a row id in JavaScript exactly as SQLite's 64-bit arithmetic does", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 - 1 }), (rowId) => {
        const exact = Number(((BigInt(rowId) * 2654435761n) & 0xffffffffn) >> 16n)
        expect(sampleHash(rowId)).toBe(exact)
      }),
    )
  })
})

describe('the Docker page (33 resources)', () => {
  let page: TestApp
  beforeAll(async () => {
    page = await startTestApp()
  })
  afterAll(async () => {
    await page.close()
  })

  it('stores no ranking: no word is in more than ESTIMATE_ABOVE of its resources', () => {
    const pageDb = new Database(page.databasePath, { readonly: true })
    try {
      expect(pageDb.prepare('SELECT count(*) FROM search_rankings').pluck().get()).toBe(0)
    } finally {
      pageDb.close()
    }
  })

  it('counts every list exactly: totalIsEstimate false, X-Total-Count and links.last given', async () => {
    for (const query of ['', '?q=docker', '?q=dock', '?tag=django', '?category=general&q=python']) {
      const response = await page.http().get(`/v1/resources${query}`).expect(200)
      expect(response.body.meta.totalIsEstimate).toBe(false)
      expect(response.headers['x-total-count']).toBe(String(response.body.meta.total))
      expect(response.body.links.last).toEqual(expect.any(String))
    }
  })
})
