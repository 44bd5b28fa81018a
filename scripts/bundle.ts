import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { projectRoot } from '../src/paths.js'

// The production server as one ES module file (npm run build writes dist/server.mjs;
// npm start, the Dockerfile, the bench and the stress run start it). Loading one
// file instead of ~600 modules from node_modules halves the time from process
// start to the first answer (~350 ms to ~255 ms here, where bare Fastify takes
// ~165 ms). The source stays as it is; only what node loads changes.
//
// Left out of the bundle, loaded from node_modules if ever: better-sqlite3 is a
// native addon; @fastify/swagger-ui serves files it finds beside its own code; and
// Fastify's ajv and fast-json-stringify compilers are never called (app.ts gives
// it the zod ones), so bundling them would only add 500 KB to parse and keep.
export const EXTERNAL = [
  'better-sqlite3',
  '@fastify/swagger-ui',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
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

export async function bundleServer(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(projectRoot, 'src/server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
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
    plugins: [asciiSources],
    // Dependencies' license comments (/*! … */) go to server.mjs.LEGAL.txt beside
    // the bundle: one of them has a non-ASCII name in it.
    legalComments: 'external',
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleServer(join(projectRoot, 'dist/server.mjs'))
}
