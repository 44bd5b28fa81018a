import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FORMULA_ESCAPED } from '../../src/exports/csv.js'
import { CategoryMapSchema } from '../../src/ingest/category-map.js'
import { parsePage } from '../../src/ingest/parse-page.js'
import { defaultSeedPage, projectRoot } from '../../src/paths.js'
import type { Resource } from '../../src/queries/resources.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

// Every export, end to end against the real app: read back with a real CSV
// parser, line by line as JSON, and with the project's own page parser.

const HOSTILE_PAGE = join(projectRoot, 'test', 'fixtures', 'export-hostile.markdown')

let t: TestApp
let hostile: TestApp
// Load shedding off: a busy test machine must not turn an export into a 503.
const env = { MAX_EVENT_LOOP_DELAY_MS: '0' }
beforeAll(async () => {
  t = await startTestApp(env)
  hostile = await startTestApp(env, [HOSTILE_PAGE])
})
afterAll(async () => {
  await t.close()
  await hostile.close()
})

async function get(app: TestApp, url: string, headers: Record<string, string> = {}) {
  return app.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'identity', ...headers } })
}

async function json(app: TestApp, url: string): Promise<Resource[]> {
  const response = await get(app, url)
  expect(response.statusCode).toBe(200)
  return response.json().data
}

/** The CSV as records, each cell with the export's formula guard undone. */
function readCsv(text: string): Record<string, string>[] {
  const records = parse(text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[]
  return records.map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([name, cell]) => [name, FORMULA_ESCAPED.test(cell) ? cell.slice(1) : cell]),
    ),
  )
}

/** A resource as the default CSV columns hold it. */
function asCsv(resource: Resource): Record<string, string> {
  return {
    id: resource.id,
    title: resource.title,
    url: resource.url,
    description: resource.description,
    category: resource.category,
    tags: resource.tags.join('|'),
    host: resource.host,
    position: String(resource.position),
  }
}

const categoryMap = CategoryMapSchema.parse(
  JSON.parse(readFileSync(defaultSeedPage.replace(/\.markdown$/, '.categories.json'), 'utf8')),
)

describe('CSV export', () => {
  it('gives every resource back exactly through a real CSV parser', async () => {
    const response = await get(t, '/v1/resources?format=csv')
    expect(response.statusCode).toBe(200)
    const all = await json(t, '/v1/resources?limit=100')
    expect(all).toHaveLength(33)
    expect(readCsv(response.body)).toEqual(all.map(asCsv))
  })

  it('is RFC 4180: a header row, CRLF after every record, quoted fields with doubled quotes', async () => {
    const { body } = await get(hostile, '/v1/resources?format=csv')
    expect(body.startsWith('id,title,url,description,category,tags,host,position\r\n')).toBe(true)
    expect(body.endsWith('\r\n')).toBe(true)
    expect(body.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/)
    expect(body).toContain(`"'+SUM(1,2) starts with a plus, and has ""quotes"", commas; semicolons."`)
    const records = parse(body, { columns: true }) as object[]
    expect(records).toHaveLength(16)
  })

  it('neutralises cells a spreadsheet would run as a formula, and only those', async () => {
    const { body } = await get(hostile, '/v1/resources?format=csv')
    const raw = parse(body, { columns: true }) as Record<string, string>[]
    const titles = raw.map((record) => record.title)
    expect(titles).toContain(`'=HYPERLINK("https://evil.example/", "click")`)
    expect(titles).toContain(`'+SUM(1,2)`)
    expect(titles).toContain(`'-2+3`)
    expect(titles).toContain(`'@cmd|' /C calc'!A0`)
    // Already text to a spreadsheet, but guarded too so that the guard can be undone.
    expect(titles).toContain(`''=quoted`)
    expect(titles).toContain('Formula later')
    for (const record of raw) {
      for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    }
    expect(readCsv(body)).toEqual((await json(hostile, '/v1/resources?limit=100')).map(asCsv))
  })

  it('has one column per selected field, objects flattened and lists of objects as JSON', async () => {
    const fields = 'url,links,source,tags,position'
    const { body } = await get(hostile, `/v1/resources?format=csv&fields=${fields}`)
    expect(body.split('\r\n')[0]).toBe('id,url,tags,links,position,source.page,source.section,source.line')
    const all = await json(hostile, '/v1/resources?limit=100')
    expect(readCsv(body)).toEqual(
      all.map((resource) => ({
        id: resource.id,
        url: resource.url,
        tags: resource.tags.join('|'),
        links: JSON.stringify(resource.links),
        position: String(resource.position),
        'source.page': resource.source.page,
        'source.section': resource.source.section ?? '',
        'source.line': String(resource.source.line),
      })),
    )
  })

  it('exports the search match when asked, as three columns', async () => {
    const { body } = await get(t, '/v1/resources?format=csv&q=django&fields=title,match')
    const page = await json(t, '/v1/resources?q=django&limit=100&fields=title,match')
    expect(readCsv(body)).toEqual(
      page.map((hit) => ({
        id: hit.id,
        title: hit.title,
        'match.score': String(hit.match?.score),
        'match.title': hit.match?.title,
        'match.snippet': hit.match?.snippet,
      })),
    )
  })

  it('is UTF-8 and says so, as an attachment with its file name', async () => {
    const response = await get(hostile, '/v1/resources?format=csv')
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8; header=present')
    expect(response.headers['content-disposition']).toBe('attachment; filename="docker-resources.csv"')
    expect(response.rawPayload.includes(Buffer.from('Ünïcödé title — “quotes”', 'utf8'))).toBe(true)
    expect(response.rawPayload.includes(Buffer.from('🐳', 'utf8'))).toBe(true)
  })
})

describe('NDJSON export', () => {
  it('is one resource object per line, the same objects as the JSON list', async () => {
    const response = await get(t, '/v1/resources?format=ndjson')
    expect(response.headers['content-type']).toBe('application/x-ndjson')
    expect(response.headers['content-disposition']).toBe('attachment; filename="docker-resources.ndjson"')
    expect(response.body.endsWith('\n')).toBe(true)
    const lines = response.body.trimEnd().split('\n')
    expect(lines.map((line) => JSON.parse(line))).toEqual(await json(t, '/v1/resources?limit=100'))
  })

  it('applies fields to each line', async () => {
    const { body } = await get(hostile, '/v1/resources?format=ndjson&fields=title,source')
    const lines = body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toEqual(await json(hostile, '/v1/resources?limit=100&fields=title,source'))
    for (const line of lines) expect(Object.keys(line)).toEqual(['id', 'title', 'source'])
  })

  it('leaves the search match out unless fields names it', async () => {
    const plain = (await get(t, '/v1/resources?format=ndjson&q=flask')).body.trimEnd().split('\n')
    const hits = await json(t, '/v1/resources?q=flask&limit=100')
    expect(plain.map((line) => JSON.parse(line))).toEqual(hits.map(({ match: _match, ...rest }) => rest))
    const withMatch = (await get(t, '/v1/resources?format=ndjson&q=flask&fields=title,match')).body
    expect(
      withMatch
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(await json(t, '/v1/resources?q=flask&limit=100&fields=title,match'))
  })
})

describe('Markdown export', () => {
  it('rebuilds the page: the parser reads back the same resources, categories and order', async () => {
    const response = await get(t, '/v1/resources?format=markdown')
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8; variant=CommonMark')
    expect(response.headers['content-disposition']).toBe('attachment; filename="docker-resources.md"')
    const parsed = parsePage(response.body, { file: 'export.md', categoryMap })
    expect(parsed.problems).toEqual([])
    const all = await json(t, '/v1/resources?limit=100')
    const fields = (r: Omit<Resource, 'link'>) => ({
      id: r.id,
      title: r.title,
      url: r.url,
      description: r.description,
      category: r.category,
      position: r.position,
      tags: r.tags,
      links: r.links,
      host: r.host,
      section: r.source.section,
    })
    expect(parsed.resources.map(fields)).toEqual(all.map(fields))
    expect(parsed.page).toMatchObject({ slug: 'docker', title: 'Docker' })
    const categories = (await t.app.inject('/v1/categories')).json().data
    expect(parsed.categories).toEqual(categories)
  })

  it('starts with front matter and writes each section under its heading, in page order', async () => {
    const { body } = await get(t, '/v1/resources?format=markdown')
    expect(
      body.startsWith('title: Docker\nslug: docker\n\n* [Docker](https://docs.docker.com/) (source code'),
    ).toBe(true)
    const headings = body.split('\n').filter((line) => line.startsWith('#'))
    expect(headings).toEqual([
      '## Python projects within Docker images',
      '## Docker resources',
      '## Python-specific Docker resources',
    ])
    expect(body).toContain(
      '* [minimal-docker-python-setup](https://github.com/OrangeTux/minimal-docker-python-setup) contains an image with Nginx, uWSGI, Redis and Flask.\n',
    )
  })

  it('escapes what Markdown would read as syntax, so hostile text reads back as written', async () => {
    const { body } = await get(hostile, '/v1/resources?format=markdown')
    const parsed = parsePage(body, { file: 'export.md' })
    expect(parsed.problems).toEqual([])
    const all = await json(hostile, '/v1/resources?limit=100')
    const pick = (r: Resource) => [r.id, r.title, r.url, r.description, r.category, r.tags, r.links]
    expect(parsed.resources.map((r) => pick(r as Resource))).toEqual(all.map(pick))
    expect(body).toContain('\n## Formulas, quotes \\& \\<tags\\>\n')
    expect(body).toContain('* 1\\. [Numbered](https://numbered.example.com/) text')
    expect(body).toContain('<a href="https://raw.example.com/a b">Raw HTML link</a>')
  })

  it('groups by section in page order, keeping the requested order within each', async () => {
    const { body } = await get(t, '/v1/resources?format=markdown&sort=title')
    const parsed = parsePage(body, { file: 'export.md', categoryMap })
    const byTitle = await json(t, '/v1/resources?limit=100&sort=title')
    const categories = ['core', 'python-images', 'general', 'python-specific']
    const expected = categories.flatMap((slug) => byTitle.filter((r) => r.category === slug).map((r) => r.id))
    expect(parsed.resources.map((r) => r.id)).toEqual(expected)
  })

  it('takes limit, offset and cursor in the requested order, then groups', async () => {
    const page = await json(t, '/v1/resources?sort=-title&limit=7&offset=5')
    const limited = parsePage(
      (await get(t, '/v1/resources?format=markdown&sort=-title&limit=7&offset=5')).body,
      {
        file: 'x.md',
        categoryMap,
      },
    )
    expect(limited.resources.map((r) => r.id).sort()).toEqual(page.map((r) => r.id).sort())
    const rest = await json(t, '/v1/resources?sort=-title&limit=100&offset=30')
    const offset = parsePage((await get(t, '/v1/resources?format=markdown&sort=-title&offset=30')).body, {
      file: 'x.md',
      categoryMap,
    })
    expect(offset.resources.map((r) => r.id).sort()).toEqual(rest.map((r) => r.id).sort())
    const first = (await get(t, '/v1/resources?q=docker&limit=10')).json()
    const after = await json(t, `/v1/resources?q=docker&limit=100&cursor=${first.meta.nextCursor}`)
    const viaCursor = parsePage(
      (await get(t, `/v1/resources?format=markdown&q=docker&cursor=${first.meta.nextCursor}`)).body,
      { file: 'x.md', categoryMap },
    )
    expect(viaCursor.resources.map((r) => r.id).sort()).toEqual(after.map((r) => r.id).sort())
  })

  it('refuses fields, which it cannot honour', async () => {
    const response = await get(t, '/v1/resources?format=markdown&fields=title')
    expect(response.statusCode).toBe(400)
    expect(response.json().errors[0].param).toBe('fields')
  })
})

describe('what every export shares', () => {
  it.each([
    'category=general',
    'tag=django,flask&sort=title',
    'q=docker&sort=relevance',
    'q=dock&category=python-specific&sort=-position',
    'host=github.com',
    'q=dokcer',
  ])('holds exactly the rows of the list, in its order: %s', async (query) => {
    const rows = await json(t, `/v1/resources?limit=100&${query}`)
    const csv = readCsv((await get(t, `/v1/resources?format=csv&${query}`)).body)
    expect(csv.map((record) => record.id)).toEqual(rows.map((r) => r.id))
    const ndjson = await get(t, `/v1/resources?format=ndjson&${query}`)
    const lines = ndjson.body.split('\n').filter(Boolean)
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(rows.map((r) => r.id))
    expect(ndjson.headers['x-total-count']).toBe(String(rows.length))
  })

  it('applies limit, offset and cursor only when given', async () => {
    const page = await json(t, '/v1/resources?sort=title&limit=5&offset=10')
    const csv = readCsv((await get(t, '/v1/resources?format=csv&sort=title&limit=5&offset=10')).body)
    expect(csv.map((record) => record.id)).toEqual(page.map((r) => r.id))
    const first = (await get(t, '/v1/resources?sort=title&limit=4')).json()
    const next = await json(t, `/v1/resources?sort=title&limit=4&cursor=${first.meta.nextCursor}`)
    const response = await get(
      t,
      `/v1/resources?format=ndjson&sort=title&limit=4&cursor=${first.meta.nextCursor}`,
    )
    expect(
      response.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(next.map((r) => r.id))
    expect(response.headers['x-total-count']).toBe('4')
    const tail = await get(t, '/v1/resources?format=ndjson&offset=30')
    expect(tail.headers['x-total-count']).toBe('3')
    expect(tail.body.trimEnd().split('\n')).toHaveLength(3)
    const none = await get(t, '/v1/resources?format=csv&q=kubernetes')
    expect(none.body).toBe('id,title,url,description,category,tags,host,position\r\n')
    expect(none.headers['x-total-count']).toBe('0')
  })

  it('works on the category form too', async () => {
    const csv = readCsv((await get(t, '/v1/categories/general/resources?format=csv')).body)
    expect(csv.map((record) => record.id)).toEqual(
      (await json(t, '/v1/categories/general/resources?limit=100')).map((r) => r.id),
    )
  })

  it('has a strong ETag and Cache-Control, and answers If-None-Match with 304 before reading a row', async () => {
    const first = await get(t, '/v1/resources?format=csv')
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/)
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300')
    expect((await get(t, '/v1/resources?format=csv')).headers.etag).toBe(etag)
    const again = await get(t, '/v1/resources?format=csv', { 'if-none-match': etag })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    expect(again.headers.etag).toBe(etag)
    const other = await get(t, '/v1/resources?format=csv&limit=3', { 'if-none-match': etag })
    expect(other.statusCode).toBe(200)
    expect(other.headers.etag).not.toBe(etag)
  })

  it('compresses as it streams when the client accepts br or gzip', async () => {
    const identity = await get(t, '/v1/resources?format=ndjson')
    const gzip = await get(t, '/v1/resources?format=ndjson', { 'accept-encoding': 'gzip' })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzip.rawPayload).equals(identity.rawPayload)).toBe(true)
    const br = await get(t, '/v1/resources?format=ndjson', { 'accept-encoding': 'br, gzip' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.rawPayload).equals(identity.rawPayload)).toBe(true)
    expect(br.headers.etag).toBe(`${String(identity.headers.etag).slice(0, -1)}-br"`)
    expect(br.headers.vary).toMatch(/accept-encoding/)
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: '/v1/resources?format=csv' })
    const full = await get(t, '/v1/resources?format=csv')
    expect(head.statusCode).toBe(200)
    expect(head.body).toBe('')
    for (const name of ['content-type', 'content-disposition', 'x-total-count', 'etag', 'cache-control']) {
      expect(head.headers[name], name).toBe(full.headers[name])
    }
  })

  it('is a 400, not an export, when the filters are wrong', async () => {
    const response = await get(t, '/v1/resources?format=csv&category=nope')
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    const format = await get(t, '/v1/resources?format=xml')
    expect(format.statusCode).toBe(400)
    expect(format.json().errors).toEqual([
      { param: 'format', message: 'must be one of json, csv, ndjson, markdown' },
    ])
  })
})
