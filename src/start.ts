import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import Module from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'
import { crc32 } from 'node:zlib'

// What `node dist/server.mjs` runs: the bundled server (dist/server.cjs, built from
// server.ts), compiled from a V8 code cache written after a start and its first
// answers, so a start skips compiling what the one before it ran.
//
// Node's own compile cache (NODE_COMPILE_CACHE, Node 22+) is written when a file
// is compiled, before any of it runs: it holds the bundle's top level and none of
// the functions inside (V8 compiles a function when first called), which is all of
// a bundle's modules and request handling. Node 24, pinned to one core, median of
// 21 starts: first 200 at 262 ms with that cache, 229 ms with this one (bare
// Fastify: 219 ms); docs/performance.md has the measurements.
//
// The cache lives where NODE_COMPILE_CACHE points (the image keeps it there), one
// file per bundle content, Node version and architecture; V8 checks its own version
// and flags and refuses a cache made under others. Without NODE_COMPILE_CACHE, or
// with a cache V8 refused, the bundle is compiled as usual; a process that had no
// usable cache writes one when it exits cleanly, if the directory is writable (the
// image writes it at build time; at run time its directory is read-only).

const bundle = join(dirname(fileURLToPath(import.meta.url)), 'server.cjs')
const source = readFileSync(bundle, 'utf8')
const cacheDir = process.env.NODE_COMPILE_CACHE
const cacheFile = cacheDir
  ? join(cacheDir, `server.cjs-${process.version}-${process.arch}-${crc32(source).toString(16)}.v8-cache`)
  : null

let cachedData: Buffer | undefined
if (cacheFile) {
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    // none yet
  }
}

// The bundle has no import() (bundle.ts turns each into a require()): from a
// vm.Script it would need an experimental API.
const script = new Script(Module.wrap(source), { filename: bundle, cachedData })

if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
  process.once('exit', (code) => {
    // Only after a clean run (a start that failed would leave a cache of little use).
    if (code !== 0) return
    const partial = `${cacheFile}.${process.pid}`
    try {
      mkdirSync(cacheDir as string, { recursive: true })
      writeFileSync(partial, script.createCachedData())
      renameSync(partial, cacheFile)
    } catch {
      rmSync(partial, { force: true })
    }
  })
}

const module = { exports: {} }
script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, dirname(bundle))
