import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from './helpers/app.js'

// The conventions that make the served OpenAPI document usable by client generators
// (docs/typed-client.md). They hold for every route the document lists, so a route
// or parameter added later is held to them with no change here.

type Parameter = {
  in: string
  name: string
  style?: string
  explode?: boolean
  schema: { type?: string; items?: { type?: string } }
}
type Operation = { operationId?: string; parameters?: Parameter[] }
type Document = { servers?: { url: string }[]; paths: Record<string, Record<string, Operation>> }

let t: TestApp
let document: Document
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
  document = (await t.app.inject('/openapi.json')).json()
})
afterAll(async () => {
  await t.close()
})

function operations(): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
  )
}

/** Values worth sending for an array parameter; anything else gets placeholders. */
const SAMPLES: Record<string, [string, string]> = {
  category: ['core', 'python-images'],
  tag: ['django', 'flask'],
  host: ['testdriven.io', 'realpython.com'],
}

describe('operationIds', () => {
  it('every operation has one: camelCase, list… for collections or get… for one thing, unique', () => {
    const ids = operations().map(({ method, path, operation }) => {
      const id = operation.operationId ?? ''
      expect(id, `${method.toUpperCase()} ${path} needs an operationId`).not.toBe('')
      expect(id, `${method.toUpperCase()} ${path}`).toMatch(/^[a-z]+(?:[A-Z][a-z0-9]*)+$/)
      if (method === 'get') expect(id, `${method.toUpperCase()} ${path}`).toMatch(/^(list|get)[A-Z]/)
      return id
    })
    expect(ids.length).toBeGreaterThanOrEqual(9)
    expect(new Set(ids).size, `duplicated: ${ids.filter((id, i) => ids.indexOf(id) !== i)}`).toBe(ids.length)
  })

  it('names the core operations as the client documents them', () => {
    const byRoute = Object.fromEntries(
      operations().map(({ method, path, operation }) => [`${method} ${path}`, operation.operationId]),
    )
    expect(byRoute).toMatchObject({
      'get /v1': 'getApiIndex',
      'get /healthz': 'getHealth',
      'get /readyz': 'getReadiness',
      'get /v1/resources': 'listResources',
      'get /v1/resources/{id}': 'getResource',
      'get /v1/categories': 'listCategories',
      'get /v1/categories/{slug}': 'getCategory',
      'get /v1/categories/{slug}/resources': 'listCategoryResources',
      'get /v1/tags': 'listTags',
    })
  })
})

describe('servers', () => {
  it('is one relative URL, so the document holds wherever the API is served', () => {
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }])
  })
})

describe('parameters that take several values', () => {
  const arrays = () =>
    operations().flatMap(({ path, operation }) =>
      (operation.parameters ?? [])
        .filter((parameter) => parameter.schema.type === 'array')
        .map((parameter) => ({ path, parameter })),
    )

  it('are arrays of strings, written repeated (style form, explode true), in the query', () => {
    expect(arrays().map(({ path, parameter }) => `${path} ${parameter.name}`)).toEqual(
      expect.arrayContaining([
        '/v1/resources category',
        '/v1/resources tag',
        '/v1/resources host',
        '/v1/categories/{slug}/resources tag',
        '/v1/categories/{slug}/resources host',
      ]),
    )
    for (const { path, parameter } of arrays()) {
      const where = `${path} ${parameter.name}`
      expect(parameter, where).toMatchObject({ in: 'query', style: 'form', explode: true })
      expect(parameter.schema.items?.type, where).toBe('string')
    }
  })

  it('no other parameter carries serialization keywords in its schema', () => {
    for (const { path, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        expect(Object.keys(parameter.schema), `${path} ${parameter.name}`).not.toContain('style')
        expect(Object.keys(parameter.schema), `${path} ${parameter.name}`).not.toContain('explode')
      }
    }
  })

  it('mean the same repeated (tag=a&tag=b) as comma-separated (tag=a,b)', async () => {
    for (const { path, parameter } of arrays()) {
      const url = path.replace('{slug}', 'python-specific')
      const [a, b] = SAMPLES[parameter.name] ?? ['a', 'b']
      const name = encodeURIComponent(parameter.name)
      const repeated = await t.app.inject(`${url}?${name}=${a}&${name}=${b}&limit=100`)
      const joined = await t.app.inject(`${url}?${name}=${a},${b}&limit=100`)
      const where = `${url} ${parameter.name}: ${repeated.body.slice(0, 200)}`
      expect(repeated.statusCode, where).toBe(joined.statusCode)
      const { links: _repeatedLinks, ...repeatedBody } = repeated.json()
      const { links: _joinedLinks, ...joinedBody } = joined.json()
      expect(repeatedBody, where).toEqual(joinedBody)
      if (SAMPLES[parameter.name]) {
        expect(repeated.statusCode, where).toBe(200)
        expect(repeatedBody.meta.total, where).toBeGreaterThan(0)
      }
    }
  })
})
