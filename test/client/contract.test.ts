import { readFileSync } from 'node:fs'
import { type ClientRequest, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { parse } from 'yaml'
import { syntheticDataset } from '../../bench/synthetic.js'
import {
  type ApiIndex,
  type Category,
  type CategoryList,
  type Client,
  createClient,
  type Health,
  type LinkReport,
  type Problem,
  type Query,
  type Ready,
  type Resource,
  type ResourceFields,
  type ResourceList,
  type TagList,
} from '../../client/index.js'
import { projectRoot } from '../../src/paths.js'
import { MAX_CONCURRENT_EXPORTS } from '../../src/routes/resource-export.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { type OpenApiDocument, ResponseValidator } from '../property/openapi-validator.js'

// The contract between the typed client (client/) and the real API: every
// operation of openapi.yaml is called through createClient() over HTTP on a
// loopback port, against a real seeded SQLite file. Each answer is checked twice:
// - at compile time, `expectTypeOf` pins what the generated types say `data` and
//   `error` are (tsc --noEmit runs over this file in npm test);
// - at run time, a middleware validates every response against the document the
//   server serves (ajv, test/property/openapi-validator.ts): a documented status,
//   a documented media type, a body matching its schema.
// The last test fails when an operation of openapi.yaml, or one of its documented
// statuses, was never exercised here: a route merged later needs its cases.

type Operation = { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }
type PathItem = Record<string, Operation>

const committed = parse(readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')) as {
  paths: Record<string, PathItem>
}

/**
 * Every (operationId, status) openapi.yaml documents, e.g. "listResources 400";
 * `default` (any other error) is checked whenever it answers, but is not required
 * of each operation: a 500 cannot be provoked on purpose.
 */
const documented = Object.values(committed.paths).flatMap((item) =>
  Object.values(item).flatMap((operation) =>
    Object.keys(operation.responses)
      .filter((status) => status !== 'default')
      .map((status) => `${operation.operationId} ${status}`),
  ),
)

/** application/json and its structured-syntax relatives (problem+json), not NDJSON. */
const JSON_MEDIA = /^application\/(?:[\w.-]+\+)?json$/

/**
 * Load shedding off: on a busy machine the event loop can lag past its limit and
 * any answer become a 503, which this file would read as a broken contract.
 */
const STEADY = { MAX_EVENT_LOOP_DELAY_MS: '0' }

const exercised = new Set<string>()
const servers: TestApp[] = []
let validator: ResponseValidator
let api: TestApp
let client: Client

/** A typed client for a served test app, whose every answer is checked against the served document. */
async function contractClient(app: TestApp): Promise<Client> {
  const { port } = app.app.server.address() as AddressInfo
  const checked = createClient(`http://127.0.0.1:${port}`)
  checked.use({
    async onResponse({ request, response, schemaPath }) {
      const method = request.method.toLowerCase()
      const operation = committed.paths[schemaPath]?.[method]
      const where = `${request.method} ${request.url} -> ${response.status}`
      if (!operation) throw new Error(`${where}: ${schemaPath} has no ${method} operation in openapi.yaml`)
      // A status the operation does not list is one of its `default` (any other error) answers.
      const status = String(response.status) in operation.responses ? response.status : 'default'
      exercised.add(`${operation.operationId} ${status}`)
      const media = response.headers.get('content-type')?.split(';')[0]?.trim() ?? ''
      const content = operation.responses[String(status)]?.content ?? {}
      if (!(media in content)) {
        throw new Error(
          `${where}: ${media} is not documented (documented: ${Object.keys(content).join(', ')})`,
        )
      }
      const text = await response.clone().text()
      const body = JSON_MEDIA.test(media) ? JSON.parse(text) : text
      const problems = validator.check(schemaPath, status, body, media)
      if (problems.length > 0)
        throw new Error(`${where}: body differs from openapi.yaml: ${problems.join('; ')}`)
      return response
    },
  })
  return checked
}

beforeAll(async () => {
  api = await startTestApp(STEADY)
  servers.push(api)
  validator = new ResponseValidator((await api.app.inject('/openapi.json')).json() as OpenApiDocument)
  client = await contractClient(api)
})

afterAll(async () => {
  for (const server of servers) await server.close()
})

describe('the API index and health', () => {
  it('getApiIndex: what the API serves', async () => {
    const { data, error } = await client.GET('/v1')
    expectTypeOf(data).toEqualTypeOf<ApiIndex | undefined>()
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(data?.dataset).toMatchObject({ resources: 33, categories: 4 })
    expect(data?.links.resources).toBe('/v1/resources')
  })

  it('getApiIndex: a parameter the types refuse is refused by the server too', async () => {
    const { data, error } = await client.GET('/v1', {
      // @ts-expect-error: /v1 takes no query parameters, and the generated types say so
      params: { query: { verbose: 'yes' } },
    })
    expect(data).toBeUndefined()
    expect(error).toMatchObject({ status: 400, code: 'unknown_parameter', errors: [{ param: 'verbose' }] })
  })

  it('getHealth and getReadiness: alive and ready', async () => {
    const health = await client.GET('/healthz')
    expectTypeOf(health.data).toEqualTypeOf<Health | undefined>()
    expect(health.data).toEqual({ status: 'ok' })
    const ready = await client.GET('/readyz')
    expectTypeOf(ready.data).toEqualTypeOf<Ready | undefined>()
    expectTypeOf(ready.error).toEqualTypeOf<Problem | undefined>()
    expect(ready.data).toEqual({ status: 'ready', resources: 33 })
  })

  it('getReadiness: 503 problem when the database cannot be read', async () => {
    const broken = await startTestApp(STEADY)
    servers.push(broken)
    const brokenClient = await contractClient(broken)
    broken.app.db.close()
    const { data, error, response } = await brokenClient.GET('/readyz')
    expect(data).toBeUndefined()
    expect(response.status).toBe(503)
    expect(error).toMatchObject({ status: 503, code: 'not_ready' })
  })
})

describe('resources', () => {
  it('listResources: filters are arrays, sent as repeated parameters', async () => {
    const query: Query<'listResources'> = { category: ['core', 'python-images'], limit: 100 }
    const { data, error, response } = await client.GET('/v1/resources', { params: { query } })
    expectTypeOf(data).toEqualTypeOf<ResourceList | undefined>()
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(new URL(response.url).search).toBe('?category=core&category=python-images&limit=100')
    expect(data?.meta.total).toBe(4)
    expect(data?.data.map((resource) => resource.category)).toEqual([
      'core',
      'core',
      'python-images',
      'python-images',
    ])
  })

  it('listResources: tags (any of them) and search, with match marks', async () => {
    const tagged = await client.GET('/v1/resources', { params: { query: { tag: ['django', 'flask'] } } })
    expect(tagged.data?.meta.total).toBe(12)
    expect(tagged.data?.data.every((r) => r.tags?.includes('django') || r.tags?.includes('flask'))).toBe(true)
    const found = await client.GET('/v1/resources', { params: { query: { q: 'compose', limit: 3 } } })
    expect(found.data?.data[0]?.match?.title ?? found.data?.data[0]?.match?.snippet).toContain('<mark>')
  })

  it('listResources: following nextCursor visits every resource once', async () => {
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const { data, error } = await client.GET('/v1/resources', { params: { query: { limit: 10, cursor } } })
      if (error) throw new Error(error.detail)
      seen.push(...data.data.map((resource) => resource.id))
      cursor = data.meta.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toHaveLength(33)
    expect(new Set(seen).size).toBe(33)
  })

  it('listResources: an unknown category is a typed problem naming what is allowed', async () => {
    const { data, error } = await client.GET('/v1/resources', {
      params: { query: { category: ['kubernetes'] } },
    })
    expect(data).toBeUndefined()
    expect(error?.status).toBe(400)
    expect(error?.errors?.[0]).toMatchObject({ param: 'category', allowed: expect.arrayContaining(['core']) })
  })

  it('getResource: one resource, 404 for an unknown id, 400 for a parameter it does not take', async () => {
    const list = await client.GET('/v1/resources', { params: { query: { limit: 1 } } })
    const id = list.data?.data[0]?.id ?? ''
    const { data, error } = await client.GET('/v1/resources/{id}', { params: { path: { id } } })
    // With fields= a resource holds only what was asked: the types say Resource or ResourceFields.
    expectTypeOf(data).toEqualTypeOf<Resource | ResourceFields | undefined>()
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(data?.id).toBe(id)
    const some = await client.GET('/v1/resources/{id}', {
      params: { path: { id }, query: { fields: ['title'] } },
    })
    expect(some.data).toEqual({ id, title: data?.title })
    const missing = await client.GET('/v1/resources/{id}', { params: { path: { id: 'no-such-resource' } } })
    expect(missing.error).toMatchObject({ status: 404, code: 'not_found' })
    const refused = await client.GET('/v1/resources/{id}', {
      // @ts-expect-error: one resource takes fields= and nothing else
      params: { path: { id }, query: { sort: 'title' } },
    })
    expect(refused.error).toMatchObject({ status: 400, code: 'unknown_parameter' })
  })
})

describe('exports and negotiation', () => {
  it('listResources and listCategoryResources: every row as CSV, NDJSON or Markdown, read as text', async () => {
    const csv = await client.GET('/v1/resources', {
      params: { query: { format: 'csv', fields: ['title', 'url'] } },
      parseAs: 'text',
    })
    expect(csv.response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present')
    expect(csv.data?.split('\r\n')[0]).toBe('id,title,url')
    const ndjson = await client.GET('/v1/categories/{slug}/resources', {
      params: { path: { slug: 'general' }, query: { format: 'ndjson' } },
      parseAs: 'text',
    })
    expect(ndjson.data?.trimEnd().split('\n')).toHaveLength(13)
  })

  it('listResources and listCategoryResources: 406 problem when Accept allows nothing served', async () => {
    for (const path of ['/v1/resources', '/v1/categories/{slug}/resources'] as const) {
      const { data, error, response } = await client.GET(path, {
        params: { path: { slug: 'core' } },
        headers: { accept: 'application/xml' },
      })
      expect(data).toBeUndefined()
      expect(response.status).toBe(406)
      expect(error).toMatchObject({ status: 406, code: 'not_acceptable' })
    }
  })

  it('listResources and listCategoryResources: 503 problem while every export slot is taken', async () => {
    // Exports of a catalog large enough that a reader who stops holds its stream open.
    const busy = await startTestApp(STEADY, undefined, { dataset: syntheticDataset(10_000) })
    servers.push(busy)
    const busyClient = await contractClient(busy)
    const { port } = busy.app.server.address() as AddressInfo
    const held = await Promise.all(
      Array.from(
        { length: MAX_CONCURRENT_EXPORTS },
        () =>
          new Promise<ClientRequest>((resolve, reject) => {
            const request = httpRequest(
              { host: '127.0.0.1', port, path: '/v1/resources?format=ndjson', agent: false },
              (response) => {
                response.pause()
                resolve(request)
              },
            )
            request.on('error', reject).end()
          }),
      ),
    )
    try {
      for (const path of ['/v1/resources', '/v1/categories/{slug}/resources'] as const) {
        const { error, response } = await busyClient.GET(path, {
          params: { path: { slug: 'general' }, query: { format: 'csv' } },
          parseAs: 'text',
        })
        expect(response.status).toBe(503)
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
        expect(error).toMatchObject({ status: 503, code: 'too_many_exports' })
      }
    } finally {
      for (const request of held) request.destroy()
    }
  }, 120_000)
})

describe('link health', () => {
  it('getLinkHealth: counts, check times and the links that are not ok; 400 for an unknown status', async () => {
    const { data, error } = await client.GET('/v1/links', { params: { query: { status: ['unchecked'] } } })
    expectTypeOf(data).toEqualTypeOf<LinkReport | undefined>()
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(data?.counts.unchecked).toBe(33)
    expect(data?.meta.total).toBe(33)
    const refused = await client.GET('/v1/links', { params: { query: { status: ['dead'] } } })
    expect(refused.error?.errors?.[0]).toMatchObject({
      param: 'status',
      allowed: expect.arrayContaining(['ok']),
    })
  })
})

describe('categories and tags', () => {
  it('listCategories: in page order; 400 for a parameter it does not take', async () => {
    const { data, error } = await client.GET('/v1/categories')
    expectTypeOf(data).toEqualTypeOf<CategoryList | undefined>()
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(data?.data.map((category) => category.slug)).toEqual([
      'core',
      'python-images',
      'general',
      'python-specific',
    ])
    // @ts-expect-error: the category list takes no query parameters
    const refused = await client.GET('/v1/categories', { params: { query: { sort: 'name' } } })
    expect(refused.error).toMatchObject({ status: 400, code: 'unknown_parameter' })
  })

  it('getCategory: by display name; 404 lists the valid slugs; 400 for a parameter', async () => {
    const { data } = await client.GET('/v1/categories/{slug}', {
      params: { path: { slug: 'Python images' } },
    })
    expectTypeOf(data).toEqualTypeOf<Category | undefined>()
    expect(data).toMatchObject({ slug: 'python-images', count: 2 })
    const missing = await client.GET('/v1/categories/{slug}', { params: { path: { slug: 'kubernetes' } } })
    expect(missing.error?.errors?.[0]?.allowed).toContain('general')
    const refused = await client.GET('/v1/categories/{slug}', {
      // @ts-expect-error: one category takes no query parameters
      params: { path: { slug: 'core' }, query: { expand: 'resources' } },
    })
    expect(refused.error?.status).toBe(400)
  })

  it("listCategoryResources: a category's resources, filtered; 404; 400 for a bad limit", async () => {
    const { data, error } = await client.GET('/v1/categories/{slug}/resources', {
      params: { path: { slug: 'python-specific' }, query: { tag: ['django'], sort: 'title' } },
    })
    expectTypeOf(data).toEqualTypeOf<ResourceList | undefined>()
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(data?.data.length).toBeGreaterThan(0)
    expect(data?.data.every((r) => r.category === 'python-specific' && r.tags?.includes('django'))).toBe(true)
    const missing = await client.GET('/v1/categories/{slug}/resources', {
      params: { path: { slug: 'kubernetes' } },
    })
    expect(missing.error?.status).toBe(404)
    // The types say limit is a number; the document says 1 to 100, and the server holds to it.
    const refused = await client.GET('/v1/categories/{slug}/resources', {
      params: { path: { slug: 'core' }, query: { limit: 0 } },
    })
    expect(refused.error?.errors?.[0]).toMatchObject({ param: 'limit' })
  })

  it('listTags: most used first; 400 for a parameter it does not take', async () => {
    const { data, error } = await client.GET('/v1/tags')
    expectTypeOf(data).toEqualTypeOf<TagList | undefined>()
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(data?.data[0]).toEqual({ slug: 'django', name: 'Django', count: 6 })
    // @ts-expect-error: the tag list takes no query parameters
    const refused = await client.GET('/v1/tags', { params: { query: { limit: 5 } } })
    expect(refused.error?.status).toBe(400)
  })
})

describe('any other error', () => {
  it('a status an operation does not list (429 over the rate limit) is still a typed problem', async () => {
    const limited = await startTestApp({ ...STEADY, RATE_LIMIT_MAX: '1' })
    servers.push(limited)
    const limitedClient = await contractClient(limited)
    expect((await limitedClient.GET('/v1/tags')).data?.data.length).toBeGreaterThan(0)
    const { data, error, response } = await limitedClient.GET('/v1/tags')
    expectTypeOf(error).toEqualTypeOf<Problem | undefined>()
    expect(data).toBeUndefined()
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(error).toMatchObject({ status: 429, title: 'Too Many Requests' })
    expect(exercised).toContain('listTags default')
  })
})

describe('coverage', () => {
  it('every operation of openapi.yaml, and every status it documents, was exercised above', () => {
    const missing = documented.filter((key) => !exercised.has(key))
    expect(missing, 'add a case to test/client/contract.test.ts for each of these').toEqual([])
    expect(documented.length).toBeGreaterThanOrEqual(20)
  })
})
