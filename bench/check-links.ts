import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCheck } from '../src/links/run-check.js'
import { StatusFileWriter } from '../src/links/status-file.js'
import type { LinkTarget } from '../src/links/targets.js'
import { requestHeaders } from '../src/links/user-agent.js'
import { startFixture } from '../test/links/helpers/fixture-server.js'

// `npx tsx bench/check-links.ts [HOSTS] [LINKS_PER_HOST]`: how long the checker takes
// for 200 links spread over 20 hosts of the loopback fixture with the defaults of
// `npm run check-links` (4 requests in flight, 500 ms between two requests to a host,
// 20 s per attempt), and what the fixture saw of it. A figure, not a test: politeness
// makes the time ~ (links per host - 1) x interval, whatever the machine.

const hosts = Number(process.argv[2] ?? 20)
const perHost = Number(process.argv[3] ?? 10)
const dir = mkdtempSync(join(tmpdir(), 'bench-links-'))
const fixture = await startFixture()
try {
  const targets: LinkTarget[] = []
  for (let h = 1; h <= hosts; h++) {
    for (let i = 1; i <= perHost; i++) {
      const url = `http://host${h}.bench.test/ok?link=${i}`
      targets.push({
        url,
        page: 'bench',
        line: targets.length + 1,
        title: url,
        resourceId: url,
        primary: true,
      })
    }
  }
  const statusFile = new StatusFileWriter(join(dir, 'status.json'), {
    previous: [],
    pageUrls: new Set(targets.map((target) => target.url)),
  })
  const run = await runCheck(targets, {
    statusFile,
    headers: requestHeaders(),
    timeoutMs: 20_000,
    concurrency: 4,
    hostIntervalMs: 500,
    maxAgeMs: 0,
    excludes: [],
    archiveBaseUrl: null,
    transport: fixture.transport,
  })
  statusFile.flush()
  const perHostGaps = [...new Set(fixture.requests.map((request) => request.host))].map((host) => {
    const requests = fixture.requestsTo(host)
    return Math.min(...requests.slice(1).map((request, i) => request.start - (requests[i]?.end ?? 0)))
  })
  console.log(
    JSON.stringify(
      {
        links: targets.length,
        hosts,
        concurrency: 4,
        hostIntervalMs: 500,
        seconds: Number((run.durationMs / 1000).toFixed(2)),
        ok: statusFile.all().filter((entry) => entry.status === 'ok').length,
        maxInFlightSeenByServer: fixture.maxInFlight,
        maxInFlightInScheduler: run.maxInFlight,
        maxInFlightToOneHost: fixture.maxInFlightPerHost,
        shortestGapToOneHostMs: Number(Math.min(...perHostGaps).toFixed(1)),
        node: process.version,
      },
      null,
      2,
    ),
  )
} finally {
  await fixture.close()
  rmSync(dir, { recursive: true, force: true })
}
