import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { isBuiltin } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild'
import { projectRoot, serverBundle } from '../src/paths.js'

// The production server as one file (npm run build writes dist/server.cjs, and
// dist/server.mjs, src/start.ts, which runs it from V8's code cache; npm start, the
// Dockerfile, the bench and the stress run start server.mjs). Loading one file
// instead of ~600 modules from node_modules halves the time from process start to
// the first answer (~350 ms to ~255 ms here, where bare Fastify takes ~165 ms). The
// source stays as it is; only what node loads changes. The seed is bundled too
// (dist/seed.mjs), so the container image needs neither the compiled modules
// (dist/src) nor the node_modules that the bundles carry inside.
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

/** What every bundle shares. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: TARGET,
  external: EXTERNAL,
  logLevel: 'warning',
  // No comments or indentation: 3.4 MB of source becomes ~2 MB, which V8 parses
  // faster and keeps in the heap for as long as the process runs (the source of
  // every loaded script stays there). Comments were also the bundle's only
  // non-ASCII characters, which made V8 keep all of it as a two-byte string:
  // 6.6 MB of heap. Names are not minified, so stack traces still read.
  minifyWhitespace: true,
  // Dependencies' license comments (/*! … */) go to a .LEGAL.txt file beside each
  // output: one of them has a non-ASCII name in it.
  legalComments: 'external',
  metafile: true,
} satisfies BuildOptions

const PLUGINS = [asciiSources, httpAsCommonJs, englishOnlyZod, lazyYaml]

/** ES modules, with what they import with import() in chunks/ beside them. */
const MODULES = {
  ...COMMON,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  // What a dynamic import() loads goes to a chunk of its own, read only when first
  // asked for: until then it is neither parsed at start-up nor kept in the heap.
  splitting: true,
  chunkNames: `${CHUNKS}/[name]-[hash]`,
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
} satisfies BuildOptions

/** `@fastify/swagger` -> `chunks/fastify-swagger`: the chunk (.cjs) that carries a package the server imports with import(). */
const chunkOf = (pkg: string) => `${CHUNKS}/${pkg.replace(/^@/, '').replace(/\//g, '-')}`

/**
 * The server's import() of a package (the lazily built apps of /docs and the
 * catalog page's files: @fastify/swagger, @fastify/compress, @fastify/static, glob,
 * mime-db; the rate limiter when it is off) becomes a require() of a file of its
 * own beside the bundle (its chunk), run when first imported: until then it is
 * neither parsed nor kept in the heap. A require(), not an import(): the bundle is
 * a script start.ts runs from V8's code cache, where import() needs an
 * experimental vm API. Packages left outside the bundle are required by name.
 */
function requiredImports(packages: Set<string>): Plugin {
  return {
    name: 'required-imports',
    setup(build) {
      build.onResolve({ filter: /^[@\w]/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined
        if (!EXTERNAL.includes(args.path)) packages.add(args.path)
        return { path: args.path, namespace: 'required-import' }
      })
      build.onResolve({ filter: /^\.\// }, (args) =>
        args.namespace === 'required-import' ? { path: args.path, external: true } : undefined,
      )
      build.onLoad({ filter: /.*/, namespace: 'required-import' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(EXTERNAL.includes(args.path) ? args.path : `./${chunkOf(args.path)}.cjs`)})`,
        loader: 'js',
      }))
    },
  }
}

/** A chunk's entry: the package, whole. */
const lazyPackage: Plugin = {
  name: 'lazy-package',
  setup(build) {
    build.onResolve({ filter: /^lazy-package:/ }, (args) => ({
      path: args.path.slice('lazy-package:'.length),
      namespace: 'lazy-package',
    }))
    build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)})`,
      loader: 'js',
      resolveDir: projectRoot,
    }))
  },
}

/** The packages a build's output imports, and the package directories it carries inside. */
function contentsOf(...metafiles: Metafile[]): BundleContents {
  const imports = metafiles.flatMap((metafile) =>
    Object.values(metafile.outputs).flatMap((output) => output.imports),
  )
  const external = imports
    .filter((i) => i.external && !isBuiltin(i.path) && !i.path.startsWith('.'))
    .map((i) => packageName(i.path))
  // The plugins' virtual modules (namespace:path) stand for no package of their
  // own: what they import is listed under its real path.
  const bundled = metafiles
    .flatMap((metafile) => Object.keys(metafile.inputs))
    .filter((input) => !/^[\w-]+:/.test(input))
    .flatMap((input) => packageDir(input) ?? [])
  return { external: [...new Set(external)].sort(), bundled: [...new Set(bundled)].sort() }
}

/**
 * The server, beside `outfile` (dist/server.mjs): server.cjs, the whole server as
 * one CommonJS script (start.ts compiles it from V8's code cache, which needs a
 * script, not a module); outfile itself, start.ts, which node runs; and chunks/,
 * what server.cjs imports with import(), one CommonJS file per package.
 */
export async function bundleServer(outfile: string): Promise<BundleContents> {
  const outdir = dirname(outfile)
  const lazy = new Set<string>()
  const server = await build({
    ...COMMON,
    entryPoints: { [basename(outfile, '.mjs')]: join(projectRoot, 'src/server.ts') },
    outdir,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    // paths.ts finds the project from its own location.
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [...PLUGINS, requiredImports(lazy)],
  })
  const chunks = await build({
    ...COMMON,
    entryPoints: Object.fromEntries([...lazy].map((pkg) => [chunkOf(pkg), `lazy-package:${pkg}`])),
    outdir,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    plugins: [...PLUGINS, lazyPackage],
  })
  const start = await build({
    ...MODULES,
    entryPoints: { [basename(outfile, '.mjs')]: join(projectRoot, 'src/start.ts') },
    outdir,
    plugins: PLUGINS,
  })
  return contentsOf(server.metafile, chunks.metafile, start.metafile)
}

/** The seed as one ES module (dist/seed.mjs), with what it imports with import() in chunks/. */
export async function bundleSeed(outfile: string): Promise<BundleContents> {
  const seed = await build({
    ...MODULES,
    entryPoints: { [basename(outfile, '.mjs')]: join(projectRoot, 'seed/seed.ts') },
    outdir: dirname(outfile),
    plugins: PLUGINS,
  })
  return contentsOf(seed.metafile)
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
