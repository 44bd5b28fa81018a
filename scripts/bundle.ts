import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { isBuiltin } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { projectRoot, serverBundle } from '../src/paths.js'

// The production server as one ES module file (npm run build writes dist/server.mjs;
// npm start, the Dockerfile, the bench and the stress run start it). Loading one
// file instead of ~600 modules from node_modules halves the time from process
// start to the first answer (~350 ms to ~255 ms here, where bare Fastify takes
// ~165 ms). The source stays as it is; only what node loads changes. The seed is
// bundled the same way (dist/seed.mjs), so the container image needs neither the
// compiled modules (dist/src) nor the node_modules that the bundles carry inside.
//
// Left out of the bundle, loaded from node_modules if ever: better-sqlite3 is a
// native addon; @fastify/swagger-ui serves files it finds beside its own code; and
// Fastify's ajv and fast-json-stringify compilers are never called (app.ts gives
// it the zod ones), so bundling them would only add 500 KB to parse and keep.
// supports-color is what debug tries to load, in a try: here it comes only with the
// dev tools, so production has none, and the bundle must not carry one either.
// npm run build lists in dist/bundle-contents.json the packages the bundles import
// and those they carry inside; the Dockerfile keeps of node_modules what they need.
export const EXTERNAL = [
  'better-sqlite3',
  '@fastify/swagger-ui',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'supports-color',
]

/**
 * The project's own non-ASCII characters (the catalog page's ·, ×, “ ” in tagged
 * templates, which esbuild cannot escape itself) as \u escapes, which mean the same
 * characters: with none left, V8 keeps the bundle's source as a one-byte string,
 * half the memory (see minifyWhitespace below).
 */
const asciiSources: Plugin = {
  name: 'ascii-sources',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(
        /[\u0080-\uffff]/g,
        (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
      loader: 'ts',
    }))
  },
}

/**
 * node:http imported as an ES module, as the project's own sources do: Node builds
 * a builtin's ES module facade by reading every export, and on Node 22+ node:http
 * exports WebSocket, CloseEvent and MessageEvent as getters that load undici, a
 * tenth of the server's start-up on Node 24 (nodejs/node#59686). Here each such
 * import becomes a require() of the builtin, whose exports are read only where used.
 */
const httpAsCommonJs: Plugin = {
  name: 'http-as-commonjs',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.kind === 'import-statement' ? { path: 'node:http', namespace: 'http-as-commonjs' } : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'http-as-commonjs' }, () => ({
      contents: "module.exports = require('node:http')",
      loader: 'js',
    }))
  },
}

/**
 * zod's locales, as `z.locales` and `z.core.locales` export them: 64 languages
 * (300 KB, an eighth of the bundle) that V8 would parse at every start and keep
 * in the heap, where the project uses only English, the default zod sets itself
 * (its classic module imports locales/en.js directly). The namespaces keep `en`.
 */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'english-only-zod' }
        : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'english-only-zod' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)}`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }))
  },
}

/**
 * yaml, as @fastify/swagger requires it at load, for /openapi.yaml (and the /docs
 * app's static mode) alone: swagger gets a stand-in whose parse and stringify
 * require the real package on first call. Bundled CommonJS runs when first
 * required, so until /openapi.yaml is asked for, yaml's module (~0.8 MB of heap
 * once run) is never run.
 */
const lazyYaml: Plugin = {
  name: 'lazy-yaml',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, (args) =>
      args.namespace === 'file' && /[\\/]@fastify[\\/]swagger[\\/]/.test(args.importer)
        ? { path: args.resolveDir, namespace: 'lazy-yaml' }
        : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'lazy-yaml' }, (args) => ({
      contents: [
        'let yaml',
        "const real = () => (yaml ??= require('yaml'))",
        'module.exports = {',
        '  parse: (...args) => real().parse(...args),',
        '  stringify: (...args) => real().stringify(...args),',
        '}',
      ].join('\n'),
      loader: 'js',
      resolveDir: args.path,
    }))
  },
}

// The oldest Node that package.json's engines accepts (>=20.19): the output runs
// there and on every later release, Node 24 included.
const engines = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).engines.node as string
export const TARGET = `node${engines.replace(/^>=\s*/, '')}`

/** What a bundle holds: the packages it still imports, and the package directories it carries inside. */
export type BundleContents = { external: string[]; bundled: string[] }

/** Where a bundle's chunks go, beside it (the Dockerfile copies the folder). */
export const CHUNKS = 'chunks'

/** Bundles entry into outfile, and what it imports with import() into chunks/ beside it. */
async function bundle(entry: string, outfile: string): Promise<BundleContents> {
  const result = await build({
    entryPoints: { [basename(outfile).replace(/\.mjs$/, '')]: join(projectRoot, entry) },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    // What a dynamic import() loads (the lazily built apps of /docs and the catalog
    // page's files: @fastify/compress, @fastify/static, glob, mime-db, 450 KB; the
    // rate limiter when it is off) goes to a chunk of its own, read only when first
    // asked for: until then it is neither parsed at start-up nor kept in the heap.
    splitting: true,
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    external: EXTERNAL,
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    // No comments or indentation: 3.4 MB of source becomes ~2 MB, which V8 parses
    // faster and keeps in the heap for as long as the process runs (the source of
    // every loaded script stays there). Comments were also the bundle's only
    // non-ASCII characters, which made V8 keep all of it as a two-byte string:
    // 6.6 MB of heap. Names are not minified, so stack traces still read.
    minifyWhitespace: true,
    plugins: [asciiSources, httpAsCommonJs, englishOnlyZod, lazyYaml],
    // Dependencies' license comments (/*! … */) go to server.mjs.LEGAL.txt beside
    // the bundle: one of them has a non-ASCII name in it.
    legalComments: 'external',
    metafile: true,
  })
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports)
  const external = imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageName(i.path))
  // The plugins' virtual modules (namespace:path) stand for no package of their
  // own: what they import is listed under its real path.
  const bundled = Object.keys(result.metafile.inputs)
    .filter((input) => !/^[\w-]+:/.test(input))
    .flatMap((input) => packageDir(input) ?? [])
  return { external: [...new Set(external)].sort(), bundled: [...new Set(bundled)].sort() }
}

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
}

/** `node_modules/a/node_modules/@s/b/lib/x.js` -> `node_modules/a/node_modules/@s/b`; project files -> undefined. */
function packageDir(input: string): string | undefined {
  const at = input.lastIndexOf('node_modules/')
  if (at < 0) return undefined
  const rest = input.slice(at + 'node_modules/'.length)
  return `${input.slice(0, at)}node_modules/${packageName(rest)}`
}

export const bundleServer = (outfile: string) => bundle('src/server.ts', outfile)
export const bundleSeed = (outfile: string) => bundle('seed/seed.ts', outfile)

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Chunks are named by their content: those of an earlier build would pile up.
  rmSync(join(dirname(serverBundle), CHUNKS), { recursive: true, force: true })
  const server = await bundleServer(serverBundle)
  const seed = await bundleSeed(join(projectRoot, 'dist/seed.mjs'))
  // For scripts/runtime-modules.ts, which picks the container image's node_modules.
  const contents: BundleContents = {
    external: [...new Set([...server.external, ...seed.external])].sort(),
    bundled: [...new Set([...server.bundled, ...seed.bundled])].sort(),
  }
  writeFileSync(join(projectRoot, 'dist/bundle-contents.json'), `${JSON.stringify(contents, null, 2)}\n`)
}
