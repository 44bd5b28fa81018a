import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { buildDatabase } from '../src/db/build-database.js'
import { assembleDataset } from '../src/ingest/assemble-dataset.js'
import { readPage } from '../src/ingest/read-page.js'
import { defaultSeedPage } from '../src/paths.js'

// The CPU each onResponse hook of a route costs per request, the metrics' among
// them, in nanoseconds: every hook called two million times on a real request and
// reply of /v1/categories. CPU time of one process in a tight loop, so a busy
// shared machine hardly moves it (throughput comparisons there swing by ±30%).
// Reads the route's hooks through Fastify's internal context symbol: a
// measurement aid, not something the app relies on. Runs alone:
//   npx tsx bench/metrics-hook.ts

type Hook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void
const CALLS = 2_000_000

const dir = mkdtempSync(join(tmpdir(), 'dra-metrics-hook-'))
try {
  const databasePath = join(dir, 'resources.db')
  buildDatabase(databasePath, assembleDataset([readPage(defaultSeedPage)]), 'bench')
  const config = loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0' })
  const app = await buildApp(config, { logger: false })
  let captured: FastifyRequest | undefined
  let capturedReply: FastifyReply | undefined
  app.addHook('onResponse', function benchCapture(request, reply, done) {
    captured = request
    capturedReply = reply
    done()
  })
  await app.ready()
  await app.inject('/v1/categories')
  if (!captured || !capturedReply) throw new Error('no request captured')
  const request = captured as unknown as Record<symbol, { onResponse: Hook[] }>
  const context = Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context')
  const hooks = context ? request[context]?.onResponse : undefined
  if (!hooks) throw new Error('cannot find the route context (Fastify internals changed)')
  const noop = () => {}
  for (const [index, hook] of hooks.entries()) {
    for (let i = 0; i < 100_000; i++) hook.call(app, captured, capturedReply, noop)
    const start = process.cpuUsage()
    for (let i = 0; i < CALLS; i++) hook.call(app, captured, capturedReply, noop)
    const used = process.cpuUsage(start)
    const name = hook.name.replace(/^bound ?/, '') || '(anonymous: the access log)'
    process.stdout.write(
      `hook ${index} ${name}: ${(((used.user + used.system) * 1000) / CALLS).toFixed(0)} ns\n`,
    )
  }
  await app.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
