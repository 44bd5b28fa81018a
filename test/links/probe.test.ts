import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HostScheduler } from '../../src/links/host-scheduler.js'
import { createHttpClient, type HttpClient } from '../../src/links/http-client.js'
import { BODY_LIMIT, type ProbeContext, type ProbeResult, probeLink } from '../../src/links/probe.js'
import { requestHeaders } from '../../src/links/user-agent.js'
import { tempDir } from '../helpers/temp-dir.js'
import { makeCertificates } from './helpers/certificates.js'
import { BIG_BODY, type Fixture, startFixture } from './helpers/fixture-server.js'

// Every case of issue 8 against the loopback fixture, with the checker's real HTTP
// client. Only the waits are shortened (10 ms backoff, 0.5 s deadline); Retry-After is
// the server's own 1 s.

let fixture: Fixture
let client: HttpClient
let cleanup: () => void
const FAST_RETRY = { maxRetries: 2, baseDelayMs: 10, maxRetryAfterMs: 60_000, random: () => 0 }

beforeAll(async () => {
  const temp = tempDir('links-probe-')
  cleanup = temp.cleanup
  fixture = await startFixture({ certificates: makeCertificates(temp.dir) })
  client = createHttpClient({ headers: requestHeaders(), transport: fixture.transport })
})

afterAll(async () => {
  await client.close()
  await fixture.close()
  cleanup()
})

function probe(url: string, timeoutMs = 500): Promise<ProbeResult> {
  const context: ProbeContext = {
    client,
    scheduler: new HostScheduler({ concurrency: 4, hostIntervalMs: 0 }),
    retry: FAST_RETRY,
    timeoutMs,
    priority: 0,
  }
  return probeLink(url, context)
}

const NONE = { finalUrl: null, redirects: [], permanent: false, error: null, suspectSoft404: false }

describe('ok', () => {
  it('a 200 without redirects', async () => {
    expect(await probe('http://site.test/ok')).toEqual({
      status: 'ok',
      httpStatus: 200,
      ...NONE,
      requests: 1,
    })
  })

  it('hops that only add a trailing slash, go to https or add www. are ok, and recorded', async () => {
    expect(await probe('http://site.test/slash')).toEqual({
      ...NONE,
      status: 'ok',
      httpStatus: 200,
      finalUrl: 'http://site.test/slash/',
      redirects: [{ status: 301, url: 'http://site.test/slash/' }],
      permanent: true,
      requests: 2,
    })
    expect(await probe('http://www.secure.test/to-https')).toEqual({
      ...NONE,
      status: 'ok',
      httpStatus: 200,
      finalUrl: 'https://www.secure.test/to-https',
      redirects: [{ status: 301, url: 'https://www.secure.test/to-https' }],
      permanent: true,
      requests: 2,
    })
    expect(await probe('http://plain.test/to-www')).toEqual({
      ...NONE,
      status: 'ok',
      httpStatus: 200,
      finalUrl: 'http://www.plain.test/to-www',
      redirects: [{ status: 301, url: 'http://www.plain.test/to-www' }],
      permanent: true,
      requests: 2,
    })
  })

  it('https with the test CA: a valid certificate is fine', async () => {
    expect(await probe('https://secure.test/ok')).toEqual({
      status: 'ok',
      httpStatus: 200,
      ...NONE,
      requests: 1,
    })
  })
})

describe('redirected', () => {
  const moved = (status: number, path: string, permanent: boolean) => ({
    ...NONE,
    status: 'redirected',
    httpStatus: 200,
    finalUrl: 'http://site.test/new-home',
    redirects: [{ status, url: 'http://site.test/new-home' }],
    permanent,
    requests: 2,
    path,
  })

  it.each([
    [301, '/moved', true],
    [308, '/moved-308', true],
    [302, '/found', false],
    [307, '/temporary-307', false],
    [303, '/see-other', false],
  ])('a %i to another path: permanent %s', async (status, path, permanent) => {
    const { path: _path, ...expected } = moved(status, path, permanent)
    expect(await probe(`http://site.test${path}`)).toEqual(expected)
  })

  it('permanent when any hop is a 301 or 308, even followed by a temporary one', async () => {
    expect(await probe('http://site.test/moved-then-login')).toEqual({
      ...NONE,
      status: 'redirected',
      httpStatus: 200,
      finalUrl: 'http://site.test/new-home',
      redirects: [
        { status: 301, url: 'http://site.test/members' },
        { status: 302, url: 'http://site.test/new-home' },
      ],
      permanent: true,
      requests: 3,
    })
  })

  it('follows 10 redirects and records every hop', async () => {
    const result = await probe('http://site.test/hops/10')
    expect(result.status).toBe('redirected')
    expect(result.redirects.map((hop) => hop.url)).toEqual(
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((n) => `http://site.test/hops/${n}`),
    )
    expect(result.finalUrl).toBe('http://site.test/hops/0')
    expect(result.requests).toBe(11)
  })

  it('a deep link that ends on the site root is a soft-404 suspect', async () => {
    expect(await probe('http://site.test/deep/article')).toEqual({
      ...NONE,
      status: 'redirected',
      httpStatus: 200,
      finalUrl: 'http://site.test/',
      redirects: [{ status: 301, url: 'http://site.test/' }],
      permanent: true,
      suspectSoft404: true,
      requests: 2,
    })
  })

  it('keeps no cookie: a Set-Cookie on a redirect is not sent back', async () => {
    expect((await probe('http://cookies.test/set-cookie')).status).toBe('redirected')
    const [first, second] = fixture.requestsTo('cookies.test')
    expect(first?.path).toBe('/set-cookie')
    expect(second?.path).toBe('/cookie-check')
    expect(second?.headers.cookie).toBeUndefined()
  })
})

describe('broken', () => {
  it.each([
    ['/missing', 404, 'HTTP 404 Not Found'],
    ['/gone', 410, 'HTTP 410 Gone'],
    ['/bad-request', 400, 'HTTP 400 Bad Request'],
  ])('%s: %i, asked once', async (path, status, error) => {
    expect(await probe(`http://site.test${path}`)).toEqual({
      ...NONE,
      status: 'broken',
      httpStatus: status,
      error,
      requests: 1,
    })
  })

  it('more than 10 redirects', async () => {
    const result = await probe('http://site.test/hops/11')
    expect(result).toMatchObject({
      status: 'broken',
      httpStatus: 302,
      finalUrl: 'http://site.test/hops/1',
      error: 'more than 10 redirects',
      requests: 11,
    })
    expect(result.redirects).toHaveLength(10)
  })

  it('a redirect loop, with the cookie it could not keep named', async () => {
    expect(await probe('http://site.test/loop-a')).toEqual({
      ...NONE,
      status: 'broken',
      httpStatus: 302,
      finalUrl: 'http://site.test/loop-a',
      redirects: [
        { status: 302, url: 'http://site.test/loop-b' },
        { status: 302, url: 'http://site.test/loop-a' },
      ],
      error: 'redirect loop; the site sets cookies, which the checker does not keep',
      requests: 2,
    })
  })

  it('a redirect to a non-http scheme', async () => {
    expect(await probe('http://site.test/to-mailto')).toEqual({
      ...NONE,
      status: 'broken',
      httpStatus: 301,
      finalUrl: 'mailto:someone@example.org',
      redirects: [{ status: 301, url: 'mailto:someone@example.org' }],
      permanent: true,
      error: 'redirect to a non-http(s) URL (mailto:)',
      requests: 1,
    })
  })

  it('a name that does not resolve: asked of the injected lookup only, never retried', async () => {
    expect(await probe('http://gone.invalid/page')).toEqual({
      ...NONE,
      status: 'broken',
      httpStatus: null,
      error: 'name does not resolve: gone.invalid (ENOTFOUND)',
      requests: 1,
    })
    expect(fixture.lookups.filter((name) => name === 'gone.invalid')).toEqual(['gone.invalid'])
  })

  it.each([
    ['expired.test', 'TLS: certificate has expired (CERT_HAS_EXPIRED)'],
    ['selfsigned.test', 'TLS: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)'],
    [
      'wronghost.test',
      'TLS: certificate is not for wronghost.test (it names DNS:other.test) (ERR_TLS_CERT_ALTNAME_INVALID)',
    ],
  ])('TLS failure on %s: broken, never retried', async (host, error) => {
    expect(await probe(`https://${host}/ok`)).toEqual({
      ...NONE,
      status: 'broken',
      httpStatus: null,
      error,
      requests: 1,
    })
    expect(fixture.requestsTo(host)).toEqual([])
  })
})

describe('blocked', () => {
  it.each([
    ['/login', 401, 'HTTP 401 Unauthorized: the page needs a login'],
    ['/forbidden', 403, 'HTTP 403 Forbidden: the site refuses automated requests'],
    ['/linkedin', 999, 'HTTP 999: the site refuses automated requests'],
    ['/challenge', 403, 'HTTP 403 Forbidden: Cloudflare challenge (cf-mitigated: challenge)'],
  ])('%s: %i, asked once', async (path, status, error) => {
    expect(await probe(`http://site.test${path}`)).toEqual({
      ...NONE,
      status: 'blocked',
      httpStatus: status,
      error,
      requests: 1,
    })
  })

  it('a 429 that persists through 2 retries, each after the 1 s Retry-After', async () => {
    expect(await probe('http://limited.test/rate-limited')).toEqual({
      ...NONE,
      status: 'blocked',
      httpStatus: 429,
      error: 'HTTP 429 Too Many Requests: still rate limited after the retries, 3 attempts',
      requests: 3,
    })
    const [first, second, third] = fixture.requestsTo('limited.test')
    expect((second?.start ?? 0) - (first?.end ?? 0)).toBeGreaterThanOrEqual(990)
    expect((third?.start ?? 0) - (second?.end ?? 0)).toBeGreaterThanOrEqual(990)
  })

  it('a 429 whose Retry-After is over 60 s: blocked at once', async () => {
    expect(await probe('http://site.test/rate-limited-long')).toEqual({
      ...NONE,
      status: 'blocked',
      httpStatus: 429,
      error: 'HTTP 429 Too Many Requests: Retry-After 120 s is more than 60 s',
      requests: 1,
    })
  })
})

describe('retried, then ok', () => {
  it('a 429 with Retry-After: 1 waits a second and succeeds', async () => {
    expect(await probe('http://once.test/rate-limited-once')).toEqual({
      status: 'ok',
      httpStatus: 200,
      ...NONE,
      requests: 2,
    })
    const [first, second] = fixture.requestsTo('once.test')
    expect((second?.start ?? 0) - (first?.end ?? 0)).toBeGreaterThanOrEqual(990)
  })

  it('a 503 then a 200', async () => {
    expect(await probe('http://flaky.test/flaky')).toEqual({
      status: 'ok',
      httpStatus: 200,
      ...NONE,
      requests: 2,
    })
  })
})

describe('unreachable', () => {
  it('a hang past the deadline: 3 attempts of 0.5 s', async () => {
    expect(await probe('http://hang.test/hang')).toEqual({
      ...NONE,
      status: 'unreachable',
      httpStatus: null,
      error: 'timed out after 0.5 s, 3 attempts',
      requests: 3,
    })
    expect(fixture.requestsTo('hang.test')).toHaveLength(3)
  })

  it('a reset connection: 3 attempts', async () => {
    expect(await probe('http://reset.test/reset')).toEqual({
      ...NONE,
      status: 'unreachable',
      httpStatus: null,
      error: 'connection reset (UND_ERR_SOCKET), 3 attempts',
      requests: 3,
    })
  })

  it('a 500 that persists: 3 attempts', async () => {
    expect(await probe('http://site.test/down')).toEqual({
      ...NONE,
      status: 'unreachable',
      httpStatus: 500,
      error: 'HTTP 500 Internal Server Error, 3 attempts',
      requests: 3,
    })
  })

  it('a 503 whose Retry-After is over 60 s: given up at once', async () => {
    expect(await probe('http://site.test/busy-long')).toEqual({
      ...NONE,
      status: 'unreachable',
      httpStatus: 503,
      error: 'HTTP 503 Service Unavailable: Retry-After 120 s is more than 60 s',
      requests: 1,
    })
  })

  it('a refused connection: not retried', async () => {
    expect(await probe('http://refused.test:9/')).toEqual({
      ...NONE,
      status: 'unreachable',
      httpStatus: null,
      error: 'connection refused (ECONNREFUSED)',
      requests: 1,
    })
  })
})

describe('how it asks', () => {
  it('GET, not HEAD: a server whose HEAD fails is ok', async () => {
    expect((await probe('http://head.test/head-fails')).status).toBe('ok')
    expect(fixture.requestsTo('head.test').map((request) => request.method)).toEqual(['GET'])
  })

  it('an honest User-Agent, Accept and Accept-Language: a server that refuses anonymous robots answers', async () => {
    expect((await probe('http://agent.test/needs-ua')).status).toBe('ok')
    const [request] = fixture.requestsTo('agent.test')
    expect(request?.headers['user-agent']).toBe('docker-resources-api/1.0.0 (link checker)')
    expect(request?.headers.accept).toBe('text/html,*/*;q=0.8')
    expect(request?.headers['accept-language']).toBe('en-US,en;q=0.9')
    expect(request?.headers.cookie).toBeUndefined()
  })

  it('reads only the first 64 KiB of a body', async () => {
    const response = await client.get('http://big.test/big', { timeoutMs: 2000, bodyLimit: () => BODY_LIMIT })
    expect(response.body.length).toBe(64 * 1024)
    expect(response.truncated).toBe(true)
    expect((await probe('http://big.test/big')).status).toBe('ok')
    // The server stopped writing when the client went away, far short of the 16 MiB.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(fixture.big.complete).toBe(false)
    expect(fixture.big.written).toBeLessThan(BIG_BODY)
  })

  it('a 200 whose title says not found is a soft-404 suspect, compressed or not', async () => {
    expect(await probe('http://site.test/not-found-page')).toEqual({
      status: 'ok',
      httpStatus: 200,
      ...NONE,
      suspectSoft404: true,
      requests: 1,
    })
    expect((await probe('http://site.test/gzip-not-found')).suspectSoft404).toBe(true)
  })

  it('no name outside the fixture was looked up', () => {
    expect(fixture.lookups.filter((name) => !name.endsWith('.test'))).toEqual(['gone.invalid'])
  })
})
