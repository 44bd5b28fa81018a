import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LINK_STATUSES } from '../../src/ingest/link-status.js'
import { projectRoot } from '../../src/paths.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { type OpenApiDocument, ResponseValidator } from './openapi-validator.js'

// Property-based tests over every GET route and every query parameter of the
// served OpenAPI document: valid values, boundaries, wrong types, repeated and
// bracketed parameters, unknown and prototype-polluting names, every kind of
// Unicode, broken percent-encoding and very long values. Whatever the request:
//   - the status is 2xx, 3xx or 4xx, never 5xx;
//   - every 4xx is application/problem+json with the documented Problem shape;
//   - every 200 body validates (ajv) against that route's documented schema.
// The run is seeded: FC_SEED=<n> npx vitest run test/property reproduces one; a
// failure prints the seed and the shrunk request.

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
/** Requests per route; 10 routes, so over 10,000 per run. */
const RUNS_PER_ROUTE = Number(process.env.FC_RUNS ?? 1200)

type Pools = {
  ids: string[]
  categories: string[]
  tags: string[]
  hosts: string[]
  words: string[]
  cursors: string[]
  fields: string[]
}

let api: TestApp
let doc: OpenApiDocument
let validator: ResponseValidator
let pools: Pools
const figures = { requests: 0, byStatus: {} as Record<string, number> }

beforeAll(async () => {
  // Rate limiting and load shedding off: this file measures correctness, not limits.
  // Seeded with every link status, so bodies carry link objects of every shape.
  api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' }, undefined, {
    linkStatus: join(projectRoot, 'test', 'fixtures', 'link-status.json'),
  })
  doc = (await api.app.inject('/openapi.json')).json()
  validator = new ResponseValidator(doc)
  const list = (await api.app.inject('/v1/resources?limit=100')).json()
  const categories = (await api.app.inject('/v1/categories')).json().data
  const tags = (await api.app.inject('/v1/tags')).json().data
  const paged = (await api.app.inject('/v1/resources?limit=3&sort=title')).json()
  pools = {
    ids: list.data.map((r: { id: string }) => r.id),
    categories: categories.flatMap((c: { slug: string; name: string }) => [
      c.slug,
      c.name,
      c.name.toUpperCase(),
    ]),
    tags: tags.flatMap((t: { slug: string; name: string }) => [t.slug, t.name]),
    hosts: [...new Set<string>(list.data.map((r: { host: string }) => r.host))],
    words: list.data.flatMap((r: { title: string }) => r.title.split(/\s+/)).slice(0, 200),
    cursors: [paged.meta.nextCursor].filter(Boolean),
    fields: Object.keys(list.data[0] ?? {}),
  }
})

afterAll(async () => {
  console.log(
    `property: ${figures.requests} generated requests (seed ${SEED}), statuses ${JSON.stringify(figures.byStatus)}`,
  )
  await api?.close()
})

// ---- value generators -------------------------------------------------------

const COMBINING = ['\u0301', '\u0308', '\u20dd', '\u0336', '\u034f']
const RTL = ['\u202e', '\u200f', 'שלום', 'مرحبا', '\u061c']
const EMOJI = ['🐳', '👩‍💻', '🏳️‍🌈', '🇩🇪', '\ud83d', '\udc33']
const HOSTILE = [
  '\u0000',
  '%00',
  "' OR 1=1 --",
  '"; DROP TABLE resources; --',
  'NEAR(a b)',
  '*',
  '"',
  '-',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '\r\nX-Injected: 1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
]

const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...COMBINING, ...RTL, ...EMOJI), fc.string({ maxLength: 3 })), {
      maxLength: 12,
    })
    .map((parts) => parts.join('')),
)

const longText = fc
  .tuple(fc.constantFrom('a', 'é', '🐳', 'a b ', '%', ','), fc.integer({ min: 400, max: 6000 }))
  .map(([unit, times]) => unit.repeat(times))

const numberish = fc.oneof(
  fc.integer({ min: -5, max: 105 }).map(String),
  fc.constantFrom(
    '0',
    '1',
    '100',
    '101',
    '-1',
    '1000000000',
    '1000000001',
    '999999999999999',
    '9999999999999999',
    '1e2',
    '0x10',
    ' 5',
    '5 ',
    '1.5',
    'NaN',
    'Infinity',
    '',
    '00',
    '٣',
  ),
  fc.bigInt().map(String),
)

function validValues(name: string, schema: Record<string, unknown> | undefined): fc.Arbitrary<string> {
  const pick = (values: string[]) => (values.length > 0 ? fc.constantFrom(...values) : fc.constant('x'))
  const some = (values: string[]) =>
    fc.array(pick(values), { minLength: 1, maxLength: 3 }).map((items) => items.join(','))
  switch (name) {
    case 'category':
    case 'slug':
      return some(pools.categories)
    case 'tag':
      return some(pools.tags)
    case 'host':
      return some(pools.hosts)
    case 'link':
    case 'status':
      return some([...LINK_STATUSES, 'OK', ' broken '])
    case 'q':
      return fc.array(pick(pools.words), { minLength: 1, maxLength: 4 }).map((words) => words.join(' '))
    case 'id':
      return pick(pools.ids)
    case 'cursor':
      return pick(pools.cursors)
    case 'fields':
      return some(pools.fields)
    default:
      break
  }
  if (Array.isArray(schema?.enum)) return pick(schema.enum.map(String))
  if (schema?.type === 'integer') {
    const min = Number(schema.minimum ?? 0)
    const max = Math.min(Number(schema.maximum ?? 1000), min + 1000)
    return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, Number(schema.maximum ?? max))).map(String)
  }
  return fc.string({ maxLength: 20 })
}

function anyValue(name: string, schema: Record<string, unknown> | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: validValues(name, schema) },
    { weight: 2, arbitrary: numberish },
    { weight: 3, arbitrary: unicodeText },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: longText },
    { weight: 1, arbitrary: fc.constant('') },
  )
}

// ---- encoding: how a value is written into the URL --------------------------

const UNRESERVED = /[A-Za-z0-9\-._~]/

/** Percent-encodes the UTF-8 bytes of text (lone surrogates become U+FFFD, as a browser sends them). */
function percentEncode(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte)
    out +=
      byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

const BROKEN_ESCAPES = ['%', '%G1', '%E2%82', '%C0%AF', '%FF', '%%', '%0', '%u0041', '%ZZ', '%ED%A0%80']

type Encoding = 'encoded' | 'plus' | 'raw' | 'broken'
const encoding = fc.constantFrom<Encoding>('encoded', 'encoded', 'encoded', 'plus', 'raw', 'broken')

function encode(text: string, how: Encoding, brokenAt: number, broken: string): string {
  switch (how) {
    case 'plus':
      return percentEncode(text).replaceAll('%20', '+')
    case 'raw':
      // Printable ASCII goes in as typed (a curl user's URL); the rest must be escaped.
      return /^[\x21-\x7e]*$/.test(text) && !/[&#%?]/.test(text) ? text : percentEncode(text)
    case 'broken': {
      const encoded = percentEncode(text)
      const at = encoded.length === 0 ? 0 : brokenAt % (encoded.length + 1)
      return encoded.slice(0, at) + broken + encoded.slice(at)
    }
    default:
      return percentEncode(text)
  }
}

const encodedPiece = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(value, encoding, fc.nat(), fc.constantFrom(...BROKEN_ESCAPES))
    .map(([text, how, at, broken]) => encode(text, how, at, broken))

// ---- whole requests ---------------------------------------------------------

type RouteShape = {
  template: string
  pathParams: string[]
  query: { name: string; schema?: Record<string, unknown> }[]
}

function routes(): RouteShape[] {
  return Object.entries(doc.paths)
    .filter(([, item]) => item.get)
    .map(([template, item]) => ({
      template,
      pathParams: (item.get?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (item.get?.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: p.schema })),
    }))
}

function paramName(route: RouteShape): fc.Arbitrary<string> {
  const known = route.query.map((q) => q.name)
  return fc.oneof(
    { weight: 6, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('limit') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        '__proto__[polluted]',
        'constructor[prototype][polluted]',
        'toString',
        'hasOwnProperty',
        'Category',
        'LIMIT',
        ...known.flatMap((name) => [`${name}[]`, `${name}[0]`, `${name}.x`]),
      ),
    },
    { weight: 1, arbitrary: unicodeText },
  )
}

// Accept headers: the lists choose JSON or an export by them, or answer 406.
const ACCEPTS = [
  '*/*',
  'application/json',
  'text/csv',
  'application/x-ndjson',
  'text/markdown',
  'text/*;q=0.5, application/json;q=0.4',
  'text/html',
  'application/json;q=0',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  ';;;,q=',
]

type GeneratedRequest = { url: string; method: 'GET' | 'HEAD'; headers: Record<string, string> }

function requestFor(route: RouteShape): fc.Arbitrary<GeneratedRequest> {
  const schemaOf = (name: string) => route.query.find((q) => q.name === name)?.schema
  const pair = paramName(route).chain((name) =>
    fc.tuple(
      encodedPiece(fc.constant(name)),
      encodedPiece(anyValue(name.replace(/\[.*$/, ''), schemaOf(name))),
      fc.boolean(),
    ),
  )
  const pathValues = fc.tuple(
    ...route.pathParams.map((name) =>
      fc.oneof(
        { weight: 4, arbitrary: validValues(name, undefined).map(percentEncode) },
        { weight: 3, arbitrary: encodedPiece(anyValue(name, undefined)) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '..%2F..%2Fetc%2Fpasswd',
            '%2E%2E',
            '..',
            '%00',
            'a%00b',
            '%2F',
            '.',
            '',
          ),
        },
      ),
    ),
  )
  return fc
    .record({
      pathValues,
      pairs: fc.array(pair, { maxLength: 6 }),
      trailingSlash: fc.boolean(),
      method: fc.constantFrom<'GET' | 'HEAD'>('GET', 'GET', 'GET', 'HEAD'),
      accept: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 3, arbitrary: fc.constantFrom(...ACCEPTS) },
        { weight: 1, arbitrary: unicodeText.map((text) => text.replace(/[^\x20-\x7e]/g, '')) },
      ),
    })
    .map(({ pathValues, pairs, trailingSlash, method, accept }) => {
      let index = 0
      let path = route.template.replace(/\{[^}]+\}/g, () => pathValues[index++] ?? '')
      if (trailingSlash && path !== '/') path += '/'
      const query = pairs
        .map(([key, value, bare]) => (bare && value === '' ? key : `${key}=${value}`))
        .join('&')
      const headers: Record<string, string> = accept === undefined ? {} : { accept }
      return { url: query ? `${path}?${query}` : path, method, headers }
    })
}

/**
 * The route that served a URL: a client resolves dot segments before sending
 * (/v1/resources/. is /v1/resources/), so the generated template is not always it.
 */
function servedTemplate(url: string): string | undefined {
  const path = new URL(url, 'http://localhost').pathname
  return routes()
    .map((route) => route.template)
    .find((template) => {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')
      return new RegExp(`^${source}/?$`).test(path)
    })
}

function checkResponse(
  request: { url: string; method: string },
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  { documented = true, html = false } = {},
): void {
  const { statusCode: status } = response
  const where = `${request.method} ${request.url} -> ${status}`
  figures.requests += 1
  figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1
  expect(status, `${where} (seed ${SEED})`).toBeGreaterThanOrEqual(200)
  expect(status, `${where} (seed ${SEED}): ${response.body.slice(0, 300)}`).toBeLessThan(500)
  for (const [name, value] of Object.entries(response.headers)) {
    expect(String(value), `${where}: header ${name}`).not.toMatch(/[\r\n]/)
  }
  if (request.method === 'HEAD') return
  if (html) {
    // The catalog page answers its errors as HTML pages, for people.
    expect(String(response.headers['content-type']), where).toBe('text/html; charset=utf-8')
    return
  }
  if (status >= 400) {
    expect(String(response.headers['content-type']), where).toMatch(/^application\/problem\+json/)
    const body = JSON.parse(response.body)
    expect(validator.checkProblem(body), where).toEqual([])
    expect(body.status, where).toBe(status)
  } else if (status === 200 && documented) {
    const template = servedTemplate(request.url)
    expect(template, where).toBeDefined()
    const mediaType = String(response.headers['content-type']).split(';')[0]
    if (mediaType === 'application/json') {
      expect(
        validator.check(template ?? '', 200, JSON.parse(response.body)),
        `${where} (seed ${SEED})`,
      ).toEqual([])
    } else {
      // An export (format=csv, ndjson, markdown): one of the route's documented media types.
      expect(validator.mediaTypes(template ?? '', 200), where).toContain(mediaType)
    }
  }
}

describe('every route under random and hostile requests', () => {
  it('covers every GET route of the served OpenAPI document', () => {
    expect(routes().map((r) => r.template)).toEqual(
      expect.arrayContaining(['/v1/resources', '/v1/resources/{id}', '/v1/categories/{slug}/resources']),
    )
  })

  it(`answers ${RUNS_PER_ROUTE} generated requests per route with no 5xx and documented bodies`, async () => {
    for (const route of routes()) {
      await fc.assert(
        fc.asyncProperty(requestFor(route), async (request) => {
          const response = await api.app.inject({
            method: request.method,
            url: request.url,
            headers: request.headers,
          })
          checkResponse(request, response)
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: false },
      )
    }
    expect(figures.requests).toBeGreaterThanOrEqual(10_000)
  }, 180_000)

  it('answers the undocumented URLs (the spec, the docs page) with no 5xx either', async () => {
    // Not in the OpenAPI document, so their 200 bodies have no schema to check;
    // their errors must still be problems.
    for (const template of ['/openapi.json', '/openapi.yaml', '/docs', '/docs/static/index.css']) {
      const route: RouteShape = { template, pathParams: [], query: [] }
      await fc.assert(
        fc.asyncProperty(requestFor(route), async (request) => {
          const response = await api.app.inject({
            method: request.method,
            url: request.url,
            headers: request.headers,
          })
          checkResponse(request, response, { documented: false })
        }),
        { seed: SEED, numRuns: Math.ceil(RUNS_PER_ROUTE / 4) },
      )
    }
  }, 60_000)

  it('answers the catalog page (/) with no 5xx, its pages and errors as HTML', async () => {
    // The page takes the parameters of GET /v1/resources.
    const list = routes().find((route) => route.template === '/v1/resources')
    expect(list).toBeDefined()
    const route: RouteShape = { template: '/', pathParams: [], query: list?.query ?? [] }
    await fc.assert(
      fc.asyncProperty(requestFor(route), async (request) => {
        const response = await api.app.inject({ method: request.method, url: request.url })
        // A form's empty fields are redirected away (3xx, no body to check).
        checkResponse(request, response, {
          documented: false,
          html: !(response.statusCode >= 300 && response.statusCode < 400),
        })
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS_PER_ROUTE / 2) },
    )
  }, 60_000)
})
