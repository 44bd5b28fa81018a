import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type LinkStatusEntry, readLinkStatusFile, uncheckedEntry } from '../../src/ingest/link-status.js'
import { HostScheduler } from '../../src/links/host-scheduler.js'
import { type CheckRun, type RunCheckOptions, runCheck } from '../../src/links/run-check.js'
import { StatusFileWriter } from '../../src/links/status-file.js'
import type { LinkTarget } from '../../src/links/targets.js'
import { requestHeaders } from '../../src/links/user-agent.js'
import { tempDir } from '../helpers/temp-dir.js'
import { type Fixture, startFixture } from './helpers/fixture-server.js'

// Whole runs against the loopback fixture: politeness measured by the server, the
// incremental rule, consecutiveFailures across runs, archived copies, exclusions, and
// the status file they leave.

let fixture: Fixture
let dir: string
let cleanup: () => void
let fileNumber = 0
const NOW = new Date('2026-03-01T12:00:00.000Z')
const HOUR = 3_600_000

beforeAll(async () => {
  ;({ dir, cleanup } = tempDir('links-run-'))
  fixture = await startFixture()
})

afterAll(async () => {
  await fixture.close()
  cleanup()
})

beforeEach(() => {
  fixture.requests.length = 0
})

function target(url: string, line = 1): LinkTarget {
  return { url, page: 'page.markdown', line, title: `Title ${line}`, resourceId: `id-${line}`, primary: true }
}

function previous(
  url: string,
  status: LinkStatusEntry['status'],
  ageMs: number,
  extra: Partial<LinkStatusEntry> = {},
) {
  return {
    ...uncheckedEntry(url),
    status,
    httpStatus: status === 'ok' ? 200 : null,
    checkedAt: new Date(NOW.getTime() - ageMs).toISOString(),
    ...extra,
  }
}

async function run(
  targets: LinkTarget[],
  options: Partial<RunCheckOptions> & { before?: LinkStatusEntry[]; file?: string } = {},
): Promise<{ run: CheckRun; file: string; entries: LinkStatusEntry[] }> {
  const file = options.file ?? join(dir, `status-${++fileNumber}.json`)
  const statusFile = new StatusFileWriter(file, {
    previous: options.before ?? readLinkStatusFile(file) ?? [],
    pageUrls: new Set(targets.map((t) => t.url)),
  })
  const result = await runCheck(targets, {
    statusFile,
    headers: requestHeaders(),
    timeoutMs: 500,
    concurrency: 4,
    hostIntervalMs: 0,
    maxAgeMs: 24 * HOUR,
    excludes: [],
    archiveBaseUrl: 'http://archive.test',
    retry: { maxRetries: 2, baseDelayMs: 10, maxRetryAfterMs: 60_000, random: () => 0 },
    transport: fixture.transport,
    now: () => NOW,
    ...options,
  })
  statusFile.flush()
  return { run: result, file, entries: readLinkStatusFile(file) ?? [] }
}

describe('politeness', () => {
  it('never two requests at once to one host, the interval kept, the concurrency cap held', async () => {
    const hosts = ['a.polite.test', 'b.polite.test', 'c.polite.test']
    const targets = hosts.flatMap((host, h) =>
      Array.from({ length: 6 }, (_, i) => target(`http://${host}/ok?n=${i}`, h * 10 + i)),
    )
    fixture.maxInFlightPerHost = 0
    fixture.maxInFlight = 0
    const { run: result } = await run(targets, { hostIntervalMs: 100, concurrency: 2 })
    expect(result.asked).toBe(18)
    expect(fixture.maxInFlightPerHost).toBe(1)
    expect(fixture.maxInFlight).toBeLessThanOrEqual(2)
    expect(result.maxInFlight).toBe(2)
    for (const host of hosts) {
      const requests = fixture.requestsTo(host)
      expect(requests).toHaveLength(6)
      for (let i = 1; i < requests.length; i++) {
        const gap = (requests[i]?.start ?? 0) - (requests[i - 1]?.end ?? 0)
        expect(gap).toBeGreaterThanOrEqual(99)
      }
    }
  })

  it('www. and the bare name are one host', async () => {
    fixture.maxInFlightPerHost = 0
    await run([target('http://same.test/ok?1', 1), target('http://www.same.test/ok?2', 2)], {
      hostIntervalMs: 100,
    })
    const [first, second] = fixture.requests
    expect((second?.start ?? 0) - (first?.end ?? 0)).toBeGreaterThanOrEqual(99)
  })

  it("a Retry-After holds back every request to that host, not only the link's retry", async () => {
    const { entries } = await run([
      target('http://wait.test/rate-limited-once', 1),
      target('http://wait.test/ok', 2),
    ])
    expect(entries.map((entry) => entry.status)).toEqual(['ok', 'ok'])
    const [limited, ...rest] = fixture.requestsTo('wait.test')
    expect(limited?.path).toBe('/rate-limited-once')
    for (const request of rest) expect(request.start - (limited?.end ?? 0)).toBeGreaterThanOrEqual(990)
  })

  it("a link's redirect hops go before the next link of the same host", () => {
    const scheduler = new HostScheduler({ concurrency: 1, hostIntervalMs: 0 })
    const order: string[] = []
    const task = (name: string) => async () => {
      order.push(name)
    }
    const runs = [
      scheduler.run('h', 5, task('link 5')),
      scheduler.run('h', 2, task('hop of link 2')),
      scheduler.run('h', 3, task('link 3')),
    ]
    return Promise.all(runs).then(() => expect(order).toEqual(['link 5', 'hop of link 2', 'link 3']))
  })
})

describe('the incremental rule', () => {
  it('ok and redirected entries younger than --max-age are not asked; the rest always are', async () => {
    const urls = {
      freshOk: 'http://inc.test/ok?fresh-ok',
      staleOk: 'http://inc.test/ok?stale-ok',
      freshRedirected: 'http://inc.test/moved?fresh',
      freshBroken: 'http://inc.test/missing?fresh',
      freshUnreachable: 'http://inc.test/ok?fresh-unreachable',
      never: 'http://inc.test/ok?never',
    }
    const before = [
      previous(urls.freshOk, 'ok', HOUR),
      previous(urls.staleOk, 'ok', 25 * HOUR),
      previous(urls.freshRedirected, 'redirected', 23 * HOUR),
      previous(urls.freshBroken, 'broken', HOUR),
      previous(urls.freshUnreachable, 'unreachable', HOUR, { consecutiveFailures: 1 }),
    ]
    const targets = Object.values(urls).map((url, i) => target(url, i + 1))
    const { run: result, entries } = await run(targets, { before })
    const asked = fixture.requestsTo('inc.test').map((request) => request.path)
    expect(result.asked).toBe(4)
    expect(result.fresh).toBe(2)
    expect(asked).toHaveLength(4)
    const byUrl = new Map(entries.map((entry) => [entry.url, entry]))
    expect(byUrl.get(urls.freshOk)).toEqual(before[0])
    expect(byUrl.get(urls.freshRedirected)).toEqual(before[2])
    expect(byUrl.get(urls.staleOk)?.checkedAt).toBe(NOW.toISOString())
    expect(byUrl.get(urls.freshBroken)?.checkedAt).toBe(NOW.toISOString())
    expect(byUrl.get(urls.freshUnreachable)).toMatchObject({ status: 'ok', consecutiveFailures: 0 })
    expect(byUrl.get(urls.never)?.status).toBe('ok')
  })

  it('--max-age 0 asks everything again', async () => {
    const url = 'http://inc0.test/ok'
    const { run: result } = await run([target(url)], { before: [previous(url, 'ok', 1000)], maxAgeMs: 0 })
    expect(result.asked).toBe(1)
  })
})

describe('consecutiveFailures', () => {
  it('counts the runs in a row that failed and starts again at 0 when the link works', async () => {
    const file = join(dir, 'failures.json')
    const url = 'http://service.test/service'
    fixture.serviceUp = false
    const counts: Array<[string, number]> = []
    for (const up of [false, false, false, true, false]) {
      fixture.serviceUp = up
      const { entries } = await run([target(url)], { file, maxAgeMs: 0 })
      counts.push([entries[0]?.status ?? '', entries[0]?.consecutiveFailures ?? -1])
    }
    expect(counts).toEqual([
      ['unreachable', 1],
      ['unreachable', 2],
      ['unreachable', 3],
      ['ok', 0],
      ['unreachable', 1],
    ])
  })
})

describe('archived copies', () => {
  it('are looked up for broken and blocked links only, and the latest 200 capture wins', async () => {
    const broken = 'http://dead.test/missing'
    const blocked = 'http://dead.test/forbidden'
    const uncaptured = 'http://dead.test/gone'
    fixture.archive.set(broken, [
      ['20150101000000', broken],
      ['20190704101010', broken],
    ])
    fixture.archive.set(blocked, [['20200202020202', blocked]])
    const { entries } = await run([
      target(broken, 1),
      target(blocked, 2),
      target(uncaptured, 3),
      target('http://dead.test/ok', 4),
    ])
    const byUrl = new Map(entries.map((entry) => [entry.url, entry]))
    expect(byUrl.get(broken)?.archiveUrl).toBe(`http://archive.test/web/20190704101010/${broken}`)
    expect(byUrl.get(blocked)?.archiveUrl).toBe(`http://archive.test/web/20200202020202/${blocked}`)
    expect(byUrl.get(uncaptured)?.archiveUrl).toBeNull()
    expect(byUrl.get('http://dead.test/ok')?.archiveUrl).toBeNull()
    const asked = fixture.requestsTo('archive.test').map((request) => request.path)
    expect(asked).toEqual(['/cdx/search/cdx', '/cdx/search/cdx', '/cdx/search/cdx'])
  })

  it('--no-archive asks nothing and keeps the copy found before', async () => {
    const url = 'http://dead2.test/missing'
    const copy = `http://archive.test/web/20180101000000/${url}`
    const { entries } = await run([target(url)], {
      before: [previous(url, 'broken', HOUR, { archiveUrl: copy, consecutiveFailures: 1 })],
      archiveBaseUrl: null,
    })
    expect(entries[0]).toMatchObject({ status: 'broken', archiveUrl: copy, consecutiveFailures: 2 })
    expect(fixture.requestsTo('archive.test')).toEqual([])
  })

  it('a failing archive service is a warning, not a failed run', async () => {
    const warnings: string[] = []
    const { entries } = await run([target('http://dead3.test/missing')], {
      archiveBaseUrl: 'http://nowhere.invalid',
      onWarning: (message) => warnings.push(message),
    })
    expect(entries[0]).toMatchObject({ status: 'broken', archiveUrl: null })
    expect(warnings).toEqual([
      'http://dead3.test/missing: archive lookup failed: name does not resolve: nowhere.invalid (ENOTFOUND)',
    ])
  })
})

describe('the status file', () => {
  it('excluded links are unchecked and never asked; URLs gone from the page are dropped', async () => {
    const kept = 'http://file.test/ok'
    const excluded = 'http://file.test/forbidden'
    const file = join(dir, 'file.json')
    const { run: result, entries } = await run([target(kept, 1), target(excluded, 2)], {
      file,
      before: [
        previous(excluded, 'blocked', HOUR, { consecutiveFailures: 3 }),
        previous('http://file.test/removed-from-page', 'ok', HOUR),
      ],
      excludes: [/forbidden/],
    })
    expect(result.excluded).toBe(1)
    expect(entries.map((entry) => [entry.url, entry.status])).toEqual([
      [excluded, 'unchecked'],
      [kept, 'ok'],
    ])
    expect(entries[0]).toEqual(uncheckedEntry(excluded))
    expect(fixture.requestsTo('file.test').map((request) => request.path)).toEqual(['/ok'])
    const text = readFileSync(file, 'utf8')
    expect(text).toBe(`${JSON.stringify(entries, null, 2)}\n`)
    expect(readdirSync(dir).filter((name) => name.includes('.writing-'))).toEqual([])
  })

  it('the entry of a checked link is complete', async () => {
    const { entries } = await run([target('http://entry.test/moved')])
    expect(entries).toEqual([
      {
        url: 'http://entry.test/moved',
        status: 'redirected',
        httpStatus: 200,
        finalUrl: 'http://entry.test/new-home',
        redirects: [{ status: 301, url: 'http://entry.test/new-home' }],
        permanent: true,
        error: null,
        suspectSoft404: false,
        archiveUrl: null,
        checkedAt: NOW.toISOString(),
        consecutiveFailures: 0,
      },
    ])
  })

  it('an interrupted run keeps what it learnt and records nothing for the links it cut off', async () => {
    const controller = new AbortController()
    const hang = 'http://cut.test/hang'
    const done = 'http://other-cut.test/ok'
    const before = [previous(hang, 'ok', 48 * HOUR)]
    const results: string[] = []
    const pending = run([target(done, 1), target(hang, 2)], {
      before,
      timeoutMs: 30_000,
      signal: controller.signal,
      onResult: (result) => {
        results.push(result.entry.url)
        setTimeout(() => controller.abort(), 50)
      },
    })
    const { run: result, entries } = await pending
    expect(result.interrupted).toBe(true)
    expect(results).toEqual([done])
    expect(entries).toEqual([before[0], expect.objectContaining({ url: done, status: 'ok' })])
  })
})
