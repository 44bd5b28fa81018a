import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BundleContents, bundleSeed, bundleServer, CHUNKS } from '../scripts/bundle.js'
import { freePort, waitUntilServing } from '../scripts/tools.js'
import { projectRoot } from '../src/paths.js'
import { tempDir } from './helpers/database.js'

// Production runs the server and the seed as bundled files (scripts/bundle.ts),
// not the modules the other tests load. Bundling can break what works unbundled: a
// dependency that finds files beside its own code, a native addon, require() in
// an ES module. So the real bundles are built here: the seed's writes a database,
// and the server's serves it and is asked for the API, the OpenAPI document and
// the docs page's assets.

// Inside the project, as dist/ is: the bundle finds node_modules and package.json
// by walking up from its own location.
const outDir = join(projectRoot, 'node_modules', '.cache', `bundle-test-${process.pid}`)
let server: ChildProcess
let origin: string
let metricsOrigin: string
let cleanup: () => void
let seeded: SpawnSyncReturns<string>
let contents: BundleContents[]
let databasePath: string
/** NODE_COMPILE_CACHE of the servers started here, where start.ts keeps V8's code cache. */
let cacheDir: string

beforeAll(async () => {
  let dir: string
  ;({ dir, cleanup } = tempDir())
  databasePath = join(dir, 'resources.db')
  cacheDir = join(dir, 'compile-cache')
  const outfile = join(outDir, 'server.mjs')
  const seedFile = join(outDir, 'seed.mjs')
  contents = await Promise.all([bundleServer(outfile), bundleSeed(seedFile)])
  seeded = spawnSync(process.execPath, [seedFile], {
    env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 30_000,
  })
  if (seeded.status !== 0) throw new Error(`the bundled seed failed: ${seeded.stderr}`)
  const port = await freePort()
  const metricsPort = await freePort()
  origin = `http://127.0.0.1:${port}`
  metricsOrigin = `http://127.0.0.1:${metricsPort}`
  server = startBundle({ PORT: String(port), METRICS_PORT: String(metricsPort) })
  await waitUntilServing(server, `${origin}/readyz`)
}, 60_000)

/** `node server.mjs` as the image starts it, with the code cache in cacheDir. */
function startBundle(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(outDir, 'server.mjs')], {
    env: {
      ...process.env,
      DATABASE_PATH: databasePath,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SHUTDOWN_DELAY_MS: '0',
      NODE_COMPILE_CACHE: cacheDir,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

afterAll(async () => {
  if (server?.exitCode === null) {
    server.kill('SIGKILL')
    await once(server, 'exit')
  }
  rmSync(outDir, { recursive: true, force: true })
  cleanup?.()
})

describe('the bundled production server', () => {
  it('serves the database the bundled seed wrote from the Docker page', () => {
    expect(seeded.stdout).toMatch(/^seeded .*resources\.db from .*docker\.markdown: 33 resources, \d+ tags\n/)
    expect(seeded.stderr).toBe('')
  })

  it('serves the API from the database', async () => {
    const response = await fetch(`${origin}/v1/resources?category=general`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { meta: { total: number }; data: { category: string }[] }
    expect(body.meta.total).toBe(13)
    expect(new Set(body.data.map((resource) => resource.category))).toEqual(new Set(['general']))
  })

  it('serves the OpenAPI document and the docs page with its compressed assets', async () => {
    const document = (await (await fetch(`${origin}/openapi.json`)).json()) as {
      openapi: string
      paths: object
    }
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toContain('/v1/resources')
    // yaml is run only now, on first use (bundle.ts's lazyYaml): the same bytes as the committed file.
    const yaml = await fetch(`${origin}/openapi.yaml`)
    expect(yaml.status).toBe(200)
    expect(await yaml.text()).toBe(readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8'))
    const page = await fetch(`${origin}/docs/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('swagger-ui-bundle.js')
    const script = await fetch(`${origin}/docs/static/swagger-ui-bundle.js`, {
      headers: { 'accept-encoding': 'br' },
    })
    expect(script.status).toBe(200)
    expect(script.headers.get('content-encoding')).toBe('br')
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000)
  })

  it('serves the catalog page and its assets, which it reads from src/public', async () => {
    const page = await fetch(`${origin}/?q=docker`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await page.text()
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1])
    expect(assets).toHaveLength(3)
    for (const asset of assets) {
      const response = await fetch(`${origin}${asset}`, { headers: { 'accept-encoding': 'br' } })
      expect(response.status, asset).toBe(200)
      expect(response.headers.get('cache-control'), asset).toBe('public, max-age=31536000, immutable')
    }
  })

  it('lists what it carries as package folders the image can keep (runtime-modules.ts)', () => {
    // Not the plugins' virtual modules (namespace:path), which once made the image
    // build refuse a package "not installed as a production dependency".
    const bundled = contents.flatMap((content) => content.bundled)
    expect(bundled).toEqual(expect.arrayContaining(['node_modules/zod', 'node_modules/yaml']))
    for (const dir of bundled)
      expect(dir).toMatch(/^node_modules\/(@[^/]+\/)?[^/:]+(\/node_modules\/(@[^/]+\/)?[^/:]+)*$/)
  })

  it('keeps what start-up never runs out of the file node loads first', () => {
    // Parsed at every start and kept in the heap for the process's life: zod's
    // other 63 languages are left out, and what only the OpenAPI document, /docs and
    // the catalog page's files use is in chunks, loaded (by the tests above) when
    // first asked for.
    const entry = readFileSync(join(outDir, 'server.cjs'), 'utf8')
    expect(entry).toContain('Invalid input')
    expect(entry).not.toContain('Input tidak valid') // zod's Indonesian
    expect(entry).not.toContain('function fastifyCompress')
    expect(entry).not.toContain('function fastifyStatic')
    expect(entry).not.toContain('function fastifySwagger')
    // start.ts runs it as a vm.Script, where import() would need an experimental API.
    expect(entry).not.toMatch(/[^\w$.]import\(/)
    const chunks = readdirSync(join(outDir, CHUNKS)).filter((name) => name.endsWith('.cjs'))
    const chunked = chunks.map((name) => readFileSync(join(outDir, CHUNKS, name), 'utf8')).join('\n')
    expect(chunked).toContain('function fastifyCompress')
    expect(chunked).toContain('function fastifyStatic')
    expect(chunked).toContain('function fastifySwagger')
  })

  it('serves Prometheus metrics on the metrics port only', async () => {
    await fetch(`${origin}/v1/categories`)
    const response = await fetch(`${metricsOrigin}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="\/v1\/categories",status_code="2xx"\} [1-9]/m,
    )
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/v1\/categories",status_code="2xx"\} /m,
    )
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m)
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m)
    expect((await fetch(`${origin}/metrics`)).status).toBe(404)
  })

  it('answers errors as problem+json and exits 0 on SIGTERM', async () => {
    const response = await fetch(`${origin}/v1/resources?limit=1000`)
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    server.kill('SIGTERM')
    const [code] = await once(server, 'exit')
    expect(code).toBe(0)
    // The metrics listener closed with the server.
    await expect(fetch(`${metricsOrigin}/metrics`)).rejects.toThrow()
  })
})

describe("the bundle's code cache (start.ts)", () => {
  const cacheFile = () => {
    const names = readdirSync(cacheDir).filter((name) => name.endsWith('.v8-cache'))
    expect(names).toHaveLength(1)
    return join(cacheDir, names[0] as string)
  }
  /** Starts the bundle, asks for the resources, stops it with SIGTERM; its exit code. */
  async function run(): Promise<number> {
    const port = await freePort()
    const started = startBundle({ PORT: String(port), METRICS_PORT: '0' })
    try {
      await waitUntilServing(started, `http://127.0.0.1:${port}/readyz`)
      const response = await fetch(`http://127.0.0.1:${port}/v1/resources?limit=2`)
      expect(response.status).toBe(200)
      expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(2)
    } finally {
      started.kill('SIGTERM')
    }
    const [code] = await once(started, 'exit')
    return code as number
  }

  it('is written by a server that exits cleanly, for this Node and this bundle', () => {
    // By the server above, which started without one.
    expect(cacheFile()).toMatch(
      new RegExp(`server\\.cjs-${process.version}-${process.arch}-[0-9a-f]+\\.v8-cache$`),
    )
    expect(statSync(cacheFile()).size).toBeGreaterThan(100_000)
  })

  it('is read by the next start and left as it is', async () => {
    const file = cacheFile()
    const before = readFileSync(file)
    expect(await run()).toBe(0)
    expect(readFileSync(file).equals(before)).toBe(true)
  }, 30_000)

  it('is replaced when V8 refuses it, and the server starts all the same', async () => {
    const file = cacheFile()
    writeFileSync(file, 'not a code cache')
    expect(await run()).toBe(0)
    expect(statSync(file).size).toBeGreaterThan(100_000)
  }, 30_000)
})
