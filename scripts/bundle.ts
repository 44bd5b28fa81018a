import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
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
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleServer(join(projectRoot, 'dist/server.mjs'))
}
