import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { type OpenApiDocument, ResponseValidator } from '../property/openapi-validator.js'
import { rawRequest } from './raw-http.js'

// Known attacks, each of which must be harmless: an answer that is a 2xx or a
// problem+json 4xx, never a 5xx, never data from elsewhere, never a header the
// attacker wrote. The requests that test HTTP parsing limits go to a real
// listening server over a socket, since inject() never parses HTTP.

let api: TestApp
let port: number
let validator: ResponseValidator
let firstId: string

beforeAll(async () => {
  api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
  port = (api.app.server.address() as AddressInfo).port
  validator = new ResponseValidator((await api.app.inject('/openapi.json')).json() as OpenApiDocument)
  firstId = (await api.app.inject('/v1/resources?limit=1')).json().data[0].id
})

afterAll(async () => {
  await api?.close()
})

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await api.app.inject({ method: 'GET', url, headers })
  expect(response.statusCode, `${url}: ${response.body.slice(0, 200)}`).toBeLessThan(500)
  if (response.statusCode >= 400) {
    expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/)
    expect(validator.checkProblem(response.json()), url).toEqual([])
  }
  return response
}

const FTS5_SYNTAX = [
  '"',
  '""',
  '"unterminated',
  'docker*',
  '*',
  '^docker',
  'NEAR(docker flask)',
  'NEAR(docker flask, 1)',
  'docker AND flask',
  'docker OR flask',
  'NOT docker',
  'docker NOT',
  '-docker',
  '+docker',
  'title:docker',
  '{title description}: docker',
  'description : docker',
  '(docker',
  'docker)',
  'docker + flask',
  "docker'",
  '\u0000',
  'a'.repeat(500),
  'docker '.repeat(40),
  '🐳',
  'x\u0301',
]

const SQL_FRAGMENTS = [
  "' OR '1'='1",
  "'; DROP TABLE resources; --",
  '1; SELECT * FROM metadata',
  "1' UNION SELECT sql, 2, 3 FROM sqlite_master --",
  '") OR 1=1 --',
  "general' --",
  '%27%20OR%201=1',
  "1) ; ATTACH DATABASE '/tmp/x.db' AS x; --",
  'load_extension(0x00)',
  "x' AND randomblob(1000000000) --",
]

const QUERY_PARAMS: Record<string, string[]> = {
  '/v1/resources': ['category', 'tag', 'host', 'q', 'sort', 'limit', 'offset', 'cursor'],
  '/v1/categories/general/resources': ['tag', 'host', 'q', 'sort', 'limit', 'offset', 'cursor'],
}

describe('FTS5 syntax in q', () => {
  it.each(FTS5_SYNTAX)('q=%j is a 200 or a 400, never an FTS5 error', async (q) => {
    const response = await get(`/v1/resources?q=${encodeURIComponent(q)}`)
    expect([200, 400]).toContain(response.statusCode)
    expect(response.body).not.toMatch(/fts5|syntax error|sqlite/i)
  })
})

describe('SQL fragments in every parameter', () => {
  for (const [path, params] of Object.entries(QUERY_PARAMS)) {
    for (const param of params) {
      it(`${path} ${param}: each fragment is a 200 or a 400 and the data is intact`, async () => {
        for (const fragment of SQL_FRAGMENTS) {
          const response = await get(`${path}?${param}=${encodeURIComponent(fragment)}`)
          expect([200, 400], `${param}=${fragment}`).toContain(response.statusCode)
          // The answer may echo the input (links.self, the detail); it must not carry a database error.
          expect(response.body).not.toMatch(/SqliteError|SQLITE_[A-Z]|no such (table|column)|: syntax error/)
        }
      })
    }
  }

  it('in the path parameters', async () => {
    for (const fragment of SQL_FRAGMENTS) {
      for (const path of ['/v1/resources/', '/v1/categories/', '/v1/categories/{}/resources']) {
        const url = path.includes('{}')
          ? path.replace('{}', encodeURIComponent(fragment))
          : `${path}${encodeURIComponent(fragment)}`
        const response = await get(url)
        expect([400, 404], url).toContain(response.statusCode)
      }
    }
    expect((await get('/v1/resources?limit=100')).json().meta.total).toBe(33)
  })
})

describe('path traversal in :id and :slug', () => {
  const TRAVERSALS = [
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '..%2f..%2fpackage.json',
    '%2e%2e%2f%2e%2e%2fdata%2fresources.db',
    '....%2F%2F....%2F%2Fetc%2Fpasswd',
    '%252e%252e%252f',
    '..%5C..%5Cwindows%5Cwin.ini',
    'x%00',
    '%00',
    'general%00.json',
    '..%00%2F',
    '%c0%ae%c0%ae%c0%af',
  ]
  it.each(TRAVERSALS)('%s reaches no file and leaks nothing', async (segment) => {
    for (const url of [
      `/v1/resources/${segment}`,
      `/v1/categories/${segment}`,
      `/v1/categories/${segment}/resources`,
    ]) {
      const response = await get(url)
      expect([400, 404], url).toContain(response.statusCode)
      expect(response.body).not.toMatch(/root:|"name":\s*"docker-resources-api"|SQLite format/)
    }
  })

  it('over a real socket, unnormalized', async () => {
    for (const target of [
      '/v1/resources/../../etc/passwd',
      '/v1/categories/..%2F..%2Fetc%2Fpasswd',
      '/docs/static/../../package.json',
    ]) {
      const response = await rawRequest(
        port,
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      expect(response.status, target).toBeGreaterThanOrEqual(400)
      expect(response.status, target).toBeLessThan(500)
      expect(response.body).not.toMatch(/root:|"dependencies"/)
    }
  })
})

describe('prototype-pollution keys as parameter names', () => {
  const KEYS = [
    '__proto__',
    '__proto__[polluted]',
    'constructor',
    'constructor[prototype][polluted]',
    'constructor.prototype.polluted',
    'prototype',
    'hasOwnProperty',
    'toString',
  ]
  // Regression: on routes that take no parameters the code was invalid_parameter.
  it.each(KEYS)('?%s=1 is refused as an unknown parameter and pollutes nothing', async (key) => {
    for (const path of [
      '/v1/resources',
      '/v1/categories/general/resources',
      '/v1/tags',
      `/v1/resources/${firstId}`,
    ]) {
      const response = await get(`${path}?${encodeURIComponent(key)}=polluted`)
      expect(response.statusCode, `${path} ${key}`).toBe(400)
      expect(response.json().code).toBe('unknown_parameter')
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  it('a raw, unencoded __proto__[x] key too', async () => {
    const response = await get('/v1/resources?__proto__[polluted]=1&constructor[prototype][polluted]=1')
    expect(response.statusCode).toBe(400)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('header injection through echoed values', () => {
  it('an X-Request-Id that is not a plain token is replaced, not echoed', async () => {
    for (const id of ['abc\u0000def', 'a b', '<script>', 'x'.repeat(200), 'id;Set-Cookie=1', 'é']) {
      const response = await rawRequest(
        port,
        Buffer.from(
          `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n`,
          'latin1',
        ),
      )
      const echoed = response.headers.find(([name]) => name === 'x-request-id')?.[1]
      if (response.status === 200) expect(echoed, id).toMatch(/^[0-9a-f-]{36}$/)
      else expect(response.status).toBe(400)
    }
  })

  it('CR/LF in a request header line is refused by the parser, not echoed', async () => {
    const response = await rawRequest(
      port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rSet-Cookie: injected=1\r\nConnection: close\r\n\r\n',
    )
    expect(response.status).toBe(400)
    expect(response.head).not.toMatch(/set-cookie/i)
  })

  it('encoded CR/LF in the URL never splits the Link header or links', async () => {
    const injected = '%0D%0ASet-Cookie:%20injected=1%0D%0A'
    for (const target of [
      `/v1/resources?limit=2&tag=${injected}`,
      `/v1/resources?limit=2&q=docker${injected}`,
      `/v1/resources?limit=2&host=${injected}`,
      `/v1/resources?limit=1&sort=title&cursor=${injected}`,
      `/v1/categories/general/resources?limit=2&q=x${injected}`,
      `/v1/resources/${injected}`,
    ]) {
      const response = await rawRequest(
        port,
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      expect(response.status, target).toBeLessThan(500)
      expect(response.headers.map(([name]) => name)).not.toContain('set-cookie')
      for (const [name, value] of response.headers) expect(value, name).not.toMatch(/[\r\n]/)
    }
    const list = await rawRequest(
      port,
      `GET /v1/resources?limit=2&x${injected}=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    )
    expect(list.status).toBe(400)
    expect(list.headers.map(([name]) => name)).not.toContain('set-cookie')
  })
})

describe('oversized requests over a real socket', () => {
  it('an oversized header is a 431 problem', async () => {
    const response = await rawRequest(
      port,
      `GET /v1/tags HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    )
    expect(response.status).toBe(431)
    expect(response.headers).toContainEqual(['content-type', 'application/problem+json; charset=utf-8'])
    expect(JSON.parse(response.body)).toMatchObject({ status: 431, code: 'header_too_large' })
  })

  it('a 100 KB query string is a 414 problem, and the server keeps answering', async () => {
    const response = await rawRequest(
      port,
      `GET /v1/resources?q=${'a'.repeat(100 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    )
    expect(response.status).toBe(414)
    expect(JSON.parse(response.body)).toMatchObject({ status: 414, code: 'uri_too_long' })
    const after = await rawRequest(port, 'GET /v1/tags HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(after.status).toBe(200)
  })

  it('a 100 KB query string of 9,000 repeated parameters is refused too', async () => {
    const response = await rawRequest(
      port,
      `GET /v1/resources?${'tag=django&'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    )
    expect([400, 414]).toContain(response.status)
  })

  it('a URL under the head limit but over the parameter limits is a 400 problem', async () => {
    const response = await rawRequest(
      port,
      `GET /v1/resources?q=${'a'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    )
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).errors[0].param).toBe('q')
  })

  it('garbage instead of HTTP is a 400 problem', async () => {
    const response = await rawRequest(port, 'HELLO\r\n\r\n')
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).status).toBe(400)
  })
})

describe('methods other than GET, HEAD and OPTIONS', () => {
  const PATHS = [
    '/v1',
    '/v1/resources',
    `/v1/resources/${'any-id'}`,
    '/v1/categories',
    '/v1/categories/general',
    '/v1/categories/general/resources',
    '/v1/tags',
    '/healthz',
    '/readyz',
    '/openapi.json',
  ]
  const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'PROPFIND', 'LOCK', 'PURGE'] as const
  it.each(METHODS)('%s on every route is a 405 problem with Allow: GET, HEAD', async (method) => {
    for (const url of PATHS) {
      const response = await api.app.inject({ method, url, payload: method === 'TRACE' ? undefined : '{}' })
      expect(response.statusCode, `${method} ${url}`).toBe(405)
      expect(response.headers.allow, `${method} ${url}`).toBe('GET, HEAD')
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.json()).toMatchObject({ status: 405, code: 'method_not_allowed' })
    }
  })

  it('an unknown path with another method is still a 404', async () => {
    const response = await api.app.inject({ method: 'DELETE', url: '/nothing/here' })
    expect(response.statusCode).toBe(404)
  })

  it('a body over the limit is refused before it is read', async () => {
    const response = await rawRequest(
      port,
      `POST /v1/resources HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n${'{'.repeat(1000)}`,
    )
    expect([405, 413]).toContain(response.status)
  })

  it('HEAD and GET still work', async () => {
    expect((await api.app.inject({ method: 'HEAD', url: '/v1/tags' })).statusCode).toBe(200)
    expect((await api.app.inject({ method: 'GET', url: '/v1/tags' })).statusCode).toBe(200)
  })
})
