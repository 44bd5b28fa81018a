import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

// The container image runs the bundles (dist/server.cjs, dist/seed.mjs), which carry
// almost every dependency inside. Of node_modules it needs only the packages the
// bundles still import and what those need in turn, whole. Each package the bundles
// carry inside keeps its package.json, and only that: its code is in the image, and
// image scanners (Trivy, Grype, Syft) find a Node package by that file; without it
// they would not see what the image runs. Nothing else is kept.
//
//   node scripts/runtime-modules.ts ROOT CONTENTS_JSON OUT   (Node 24 strips the types)
//
// ROOT holds node_modules of the production dependencies (npm ci --omit=dev);
// CONTENTS_JSON is dist/bundle-contents.json from npm run build; OUT receives
// node_modules. Only node: imports here, so plain node runs it in the image build.

// Declared by better-sqlite3 for its install script (a prebuilt-binary download we
// skip), never loaded at run time; its own dependencies include tar-fs.
const INSTALL_TIME_ONLY = new Set(['prebuild-install'])

type Manifest = {
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
}

/** Where Node finds package `name` imported from `fromDir`: `node_modules/name` in it or the nearest ancestor. */
export function locate(root: string, fromDir: string, name: string): string | undefined {
  let dir = fromDir
  for (;;) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name)
      if (existsSync(join(candidate, 'package.json'))) return candidate
    }
    if (dir === root) return undefined
    dir = dirname(dir)
  }
}

/** The package directories that `names`, imported from root, load: they and their dependencies, transitively. */
export function packageClosure(root: string, names: string[]): string[] {
  const found = new Set<string>()
  const queue: [from: string, name: string, optional: boolean][] = names.map((name) => [root, name, false])
  for (let item = queue.shift(); item; item = queue.shift()) {
    const [from, name, optional] = item
    const dir = locate(root, from, name)
    if (!dir) {
      if (optional) continue
      throw new Error(`${name} (needed from ${relative(root, from) || 'the bundles'}) is not installed`)
    }
    if (found.has(dir)) continue
    found.add(dir)
    const manifest = readManifest(dir)
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (!INSTALL_TIME_ONLY.has(dep)) queue.push([dir, dep, false])
    }
    // Optional and peer dependencies are loaded if installed, and npm installs them when it can.
    for (const dep of Object.keys({ ...manifest.optionalDependencies, ...manifest.peerDependencies })) {
      queue.push([dir, dep, true])
    }
  }
  return [...found].sort()
}

export type BundleContents = { external: string[]; bundled: string[] }

/** Copies what the bundles import, whole, and the manifests of what they carry inside, into out/node_modules. */
export function copyRuntimeModules(
  root: string,
  contents: BundleContents,
  out: string,
): { whole: string[]; manifestOnly: string[]; absent: string[] } {
  // An import the bundles make in a try (debug's of supports-color) of a package that
  // production does not install. A missing package the server does need would stop
  // it at start-up, which the container test would catch.
  const absent = contents.external.filter((name) => !locate(root, root, name))
  const whole = packageClosure(
    root,
    contents.external.filter((name) => !absent.includes(name)),
  )
  const keep = new Set(whole)
  const manifestOnly = contents.bundled.map((dir) => join(root, dir)).filter((dir) => !keep.has(dir))
  for (const dir of manifestOnly) {
    if (!existsSync(join(dir, 'package.json'))) {
      throw new Error(`${relative(root, dir)} is in a bundle but not installed as a production dependency`)
    }
  }
  for (const dir of whole) {
    const nested = join(dir, 'node_modules') + sep
    cpSync(dir, join(out, relative(root, dir)), {
      recursive: true,
      verbatimSymlinks: true,
      // A nested node_modules holds packages of their own, copied (or not) by their own entry.
      filter: (source) => !(source + sep).startsWith(nested),
    })
  }
  for (const dir of manifestOnly) {
    const target = join(out, relative(root, dir))
    mkdirSync(target, { recursive: true })
    cpSync(join(dir, 'package.json'), join(target, 'package.json'))
  }
  return { whole, manifestOnly, absent }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [root, contentsFile, out] = process.argv.slice(2)
  if (!root || !contentsFile || !out) {
    process.stderr.write('usage: node scripts/runtime-modules.ts ROOT CONTENTS_JSON OUT\n')
    process.exit(2)
  }
  const contents = JSON.parse(readFileSync(contentsFile, 'utf8')) as BundleContents
  const { whole, manifestOnly, absent } = copyRuntimeModules(root, contents, out)
  const imported = contents.external.filter((name) => !absent.includes(name))
  process.stdout.write(
    `runtime-modules: ${whole.length} packages whole (${imported.join(', ')} and what they need); ${manifestOnly.length} carried inside the bundles, as their package.json; not installed in production: ${absent.join(', ') || 'none'}\n`,
  )
}
