import { describe, expect, it } from 'vitest'
import { uncheckedEntry } from '../../src/ingest/link-status.js'
import { parsePage } from '../../src/ingest/parse-page.js'
import { planRewrites, rewritePage } from '../../src/links/apply-redirects.js'
import { isTrivialHop, successStatus } from '../../src/links/classify.js'
import { parseCheckArgs, parseDuration } from '../../src/links/cli-options.js'
import { ProgressPrinter } from '../../src/links/progress.js'
import { toRequestFailure } from '../../src/links/request-failure.js'
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../../src/links/retry-policy.js'
import { deepLinkEndedOnRoot, pageTitle, titleSaysNotFound } from '../../src/links/soft-404.js'
import { collectTargets, pageUrls } from '../../src/links/targets.js'
import { projectUrl, userAgent } from '../../src/links/user-agent.js'
import { cdxQueryUrl } from '../../src/links/wayback.js'

// The small rules behind the checker, each on its awkward inputs.

describe('trivial hops', () => {
  it.each([
    ['http://a.example/x', 'https://a.example/x', true],
    ['https://a.example/x', 'https://www.a.example/x', true],
    ['https://www.a.example/x', 'https://a.example/x/', true],
    ['http://A.example:80/x', 'https://a.example:443/x/', true],
    ['https://a.example/x', 'http://a.example/x', false],
    ['https://a.example/x', 'https://a.example/y', false],
    ['https://a.example/x', 'https://a.example/x?lang=en', false],
    ['https://a.example/x', 'https://b.example/x', false],
  ])('%s -> %s: %s', (from, to, trivial) => {
    expect(isTrivialHop(from, to)).toBe(trivial)
  })

  it('ok only when every hop is trivial', () => {
    const hop = (url: string) => ({ status: 301, url })
    expect(
      successStatus('http://a.example/x', [hop('https://a.example/x'), hop('https://www.a.example/x/')]),
    ).toBe('ok')
    expect(
      successStatus('http://a.example/x', [hop('https://a.example/x'), hop('https://a.example/z')]),
    ).toBe('redirected')
  })
})

describe('retries', () => {
  it('Retry-After as seconds or an HTTP date; nonsense is ignored', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('1', now)).toBe(1000)
    expect(parseRetryAfter(['120'], now)).toBe(120_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('-1', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it("lychee's doubling waits (1 s, 2 s) with up to half again of jitter", () => {
    const at = (random: number) => ({ ...DEFAULT_RETRY_POLICY, random: () => random })
    expect([backoffDelay(1, at(0)), backoffDelay(2, at(0))]).toEqual([1000, 2000])
    expect([backoffDelay(1, at(0.999)), backoffDelay(2, at(0.999))]).toEqual([1500, 2999])
  })
})

describe('failures', () => {
  it('the innermost known code wins and names the failure', () => {
    const reset = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    })
    expect(toRequestFailure(reset)).toMatchObject({
      kind: 'reset',
      code: 'ECONNRESET',
      message: 'connection reset (ECONNRESET)',
    })
    expect(toRequestFailure(Object.assign(new Error('x'), { code: 'EAI_AGAIN' }))).toMatchObject({
      kind: 'dns-temporary',
    })
    expect(
      toRequestFailure(Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_HEADER_TOKEN' })),
    ).toMatchObject({
      kind: 'protocol',
      message: 'invalid HTTP response: Parse Error (HPE_INVALID_HEADER_TOKEN)',
    })
  })
})

describe('soft 404', () => {
  it('reads the first title, entities decoded', () => {
    expect(pageTitle(Buffer.from('<html><head><title>Page &amp; Not\n Found</title><title>x</title>'))).toBe(
      'Page & Not Found',
    )
    expect(pageTitle(Buffer.from('<p>no title</p>'))).toBeUndefined()
    expect(titleSaysNotFound('Error 404')).toBe(true)
    expect(titleSaysNotFound('Top 4040 tips')).toBe(false)
    expect(titleSaysNotFound('Docker in Practice')).toBe(false)
  })

  it('a deep link that ends on a root; a root link that stays on a root is not one', () => {
    expect(deepLinkEndedOnRoot('https://a.example/post/1', 'https://a.example/')).toBe(true)
    expect(deepLinkEndedOnRoot('https://a.example/?p=1', 'https://b.example/')).toBe(true)
    expect(deepLinkEndedOnRoot('https://a.example/', 'https://www.a.example/')).toBe(false)
    expect(deepLinkEndedOnRoot('https://a.example/post/1', 'https://a.example/post/1/')).toBe(false)
    expect(deepLinkEndedOnRoot('https://a.example/post/1', null)).toBe(false)
  })
})

describe('rewriting a page', () => {
  const rewrite = {
    from: 'https://a.example/x?a=1&b=2',
    to: 'https://b.example/y?a=1&b=2',
    fromId: 'f',
    toId: 't',
  }

  it('whole URLs only, in Markdown, HTML (with &amp;) and reference definitions; other bytes kept', () => {
    const text = [
      '* [A](https://a.example/x?a=1&b=2) and [longer](https://a.example/x?a=1&b=2&c=3)',
      '<a href="https://a.example/x?a=1&amp;b=2">A</a>',
      '[ref]: https://a.example/x?a=1&b=2',
      'https://a.example/x?a=1&b=2c is not it',
    ].join('\r\n')
    const result = rewritePage(text, [rewrite])
    expect(result.text).toBe(
      [
        '* [A](https://b.example/y?a=1&b=2) and [longer](https://a.example/x?a=1&b=2&c=3)',
        '<a href="https://b.example/y?a=1&amp;b=2">A</a>',
        '[ref]: https://b.example/y?a=1&b=2',
        'https://a.example/x?a=1&b=2c is not it',
      ].join('\r\n'),
    )
    expect(result.changed.map((line) => line.line)).toEqual([1, 2, 3])
    expect(result.notFound).toEqual([])
  })

  it('reports a URL it could not find as written', () => {
    expect(rewritePage('nothing here\n', [rewrite]).notFound).toEqual([rewrite])
  })

  it('plans only permanent redirects that ended on a 2xx', () => {
    const entry = (url: string, fields: object) => ({
      ...uncheckedEntry(url),
      status: 'redirected' as const,
      ...fields,
    })
    const plan = planRewrites([
      entry('https://a.example/1', {
        permanent: true,
        redirects: [{ status: 308, url: 'https://a.example/one' }],
      }),
      entry('https://a.example/2', {
        permanent: false,
        redirects: [{ status: 302, url: 'https://a.example/two' }],
      }),
      {
        ...entry('https://a.example/3', {
          permanent: true,
          redirects: [{ status: 301, url: 'https://a.example/' }],
        }),
        status: 'broken' as const,
      },
    ])
    expect(plan.rewrites.map((r) => [r.from, r.to])).toEqual([
      ['https://a.example/1', 'https://a.example/one'],
    ])
    expect(plan.skipped).toEqual([])
  })
})

describe('command line', () => {
  it("the issue's defaults", () => {
    const options = parseCheckArgs([], {})
    expect(options).toMatchObject({
      pages: ['seed/docker.markdown'],
      out: 'seed/link-status.json',
      timeoutMs: 20_000,
      concurrency: 4,
      hostIntervalMs: 500,
      maxAge: { text: '24h', ms: 86_400_000 },
      excludes: [],
      allLinks: false,
      archiveBaseUrl: 'https://web.archive.org',
      report: 'text',
      failOn: [],
      applyRedirects: false,
    })
    expect(parseCheckArgs(['--no-archive'], { WAYBACK_URL: 'http://127.0.0.1:9' }).archiveBaseUrl).toBeNull()
    expect(parseCheckArgs([], { WAYBACK_URL: 'http://127.0.0.1:9' }).archiveBaseUrl).toBe(
      'http://127.0.0.1:9',
    )
  })

  it('durations', () => {
    expect([parseDuration('0'), parseDuration('90s'), parseDuration('1.5h'), parseDuration('7d')]).toEqual([
      0, 90_000, 5_400_000, 604_800_000,
    ])
    expect([parseDuration('24'), parseDuration('1 day'), parseDuration('')]).toEqual([
      undefined,
      undefined,
      undefined,
    ])
  })

  it('the Wayback CDX query asks for the 200 captures, one a month', () => {
    expect(cdxQueryUrl('https://web.archive.org/', 'http://a.example/x?y=1')).toBe(
      'https://web.archive.org/cdx/search/cdx?url=http%3A%2F%2Fa.example%2Fx%3Fy%3D1&output=json&fl=timestamp%2Coriginal&filter=statuscode%3A200&collapse=timestamp%3A6',
    )
  })
})

describe('User-Agent', () => {
  it('names the project and version, and its repository only when package.json has one', () => {
    expect(userAgent({ name: 'docker-resources-api', version: '1.0.0' })).toBe(
      'docker-resources-api/1.0.0 (link checker)',
    )
    expect(
      userAgent({
        name: 'p',
        version: '2.0.0',
        repository: { type: 'git', url: 'git+https://github.com/o/p.git' },
      }),
    ).toBe('p/2.0.0 (link checker; +https://github.com/o/p)')
    expect(projectUrl({ repository: 'github:o/p' })).toBe('https://github.com/o/p')
    expect(projectUrl({ homepage: 'https://p.example/' })).toBe('https://p.example/')
    expect(projectUrl({ repository: 'file:../here' })).toBeUndefined()
  })
})

describe('which links a run checks', () => {
  const text = [
    'title: T',
    'slug: t',
    '',
    '## Things',
    '* [One](https://one.example/) and its [source](https://github.com/one/one), see [Flask](/flask.html).',
    '* [Two](https://two.example/) mentions [One](https://one.example/).',
    '',
  ].join('\n')
  const pages = [parsePage(text, { file: 't.markdown' })]

  it("each resource's own URL; --all-links adds every other http(s) link of its item, once", () => {
    expect(collectTargets(pages, { allLinks: false }).map((t) => [t.url, t.line, t.primary])).toEqual([
      ['https://one.example/', 5, true],
      ['https://two.example/', 6, true],
    ])
    expect(collectTargets(pages, { allLinks: true }).map((t) => [t.url, t.title, t.primary])).toEqual([
      ['https://one.example/', 'One', true],
      ['https://two.example/', 'Two', true],
      ['https://github.com/one/one', 'source', false],
      ['https://www.fullstackpython.com/flask.html', 'Flask', false],
    ])
  })

  it('the status file keeps entries for every link still on the page, checked this run or not', () => {
    expect([...pageUrls(pages)].sort()).toEqual([
      'https://github.com/one/one',
      'https://one.example/',
      'https://two.example/',
      'https://www.fullstackpython.com/flask.html',
    ])
  })
})

describe('progress output', () => {
  const entry = {
    ...uncheckedEntry('https://a.example/x'),
    status: 'broken' as const,
    httpStatus: 404,
    error: 'HTTP 404 Not Found',
  }
  const result = {
    done: 3,
    total: 12,
    target: { url: entry.url, page: 'p', line: 1, title: 't', resourceId: 'r', primary: true },
    entry,
  }

  it('plain lines when not on a terminal', () => {
    let out = ''
    const printer = new ProgressPrinter({ write: (text: string) => (out += text) })
    printer.start(12)
    printer.result(result)
    printer.finish()
    expect(out).toBe('[ 3/12] 404 broken      https://a.example/x - HTTP 404 Not Found\n')
  })

  it('on a terminal: the line coloured by status, then a progress bar that is cleared at the end', () => {
    let out = ''
    const printer = new ProgressPrinter({ isTTY: true, write: (text: string) => (out += text) })
    printer.start(12)
    printer.result(result)
    printer.finish()
    expect(out).toBe(
      '\r\x1b[2K[........................] 0/12 checked' +
        '\r\x1b[2K\x1b[31m[ 3/12] 404 broken      https://a.example/x - HTTP 404 Not Found\x1b[0m\n' +
        '\r\x1b[2K[######..................] 3/12 checked' +
        '\r\x1b[2K',
    )
  })
})
