import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyRuntimeModules, locate, packageClosure } from '../scripts/runtime-modules.js'
import { projectRoot } from '../src/paths.js'
import { tempDir } from './helpers/database.js'

// scripts/runtime-modules.ts picks the container image's node_modules. A package it
// misses fails the image at start-up; one it keeps for nothing only costs space. So:
// Node's own lookup order, nested versions, scoped names, optional dependencies, and
// the real tree of this project.

let root: string
let out: string
let cleanup: () => void

function pkg(path: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): void {
  const dir = join(root, path)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

beforeAll(() => {
  let dir: string
  ;({ dir, cleanup } = tempDir('dra-runtime-modules-'))
  root = join(dir, 'app')
  out = join(dir, 'out')
  // addon -> helper@2 (nested) and @scope/util; @scope/util -> helper@1 (hoisted);
  // bundled-a and bundled-b are inside the bundles; unused is neither.
  pkg(
    'node_modules/addon',
    {
      dependencies: { helper: '2', '@scope/util': '1', 'prebuild-install': '7' },
      optionalDependencies: { 'not-installed': '1' },
    },
    { 'build/Release/addon.node': 'binary', 'lib/index.js': 'js' },
  )
  pkg('node_modules/addon/node_modules/helper', { version: '2.0.0' }, { 'index.js': 'v2' })
  pkg('node_modules/@scope/util', { dependencies: { helper: '1' } }, { 'index.js': 'util' })
  pkg('node_modules/helper', { version: '1.0.0' }, { 'index.js': 'v1' })
  pkg('node_modules/prebuild-install', { dependencies: { 'tar-fs': '2' } }, { 'index.js': 'download' })
  pkg('node_modules/tar-fs', {}, { 'index.js': 'tar' })
  pkg('node_modules/bundled-a', { version: '3.1.0' }, { 'index.js': 'a', 'README.md': 'docs' })
  pkg('node_modules/bundled-a/node_modules/bundled-b', { version: '1.0.0' }, { 'index.js': 'b' })
  pkg('node_modules/unused', {}, { 'index.js': 'never' })
})
afterAll(() => cleanup())

describe('runtime modules', () => {
  it('finds a package as Node does: the nearest node_modules first, then each ancestor', () => {
    const addon = join(root, 'node_modules/addon')
    expect(locate(root, addon, 'helper')).toBe(join(addon, 'node_modules/helper'))
    expect(locate(root, join(root, 'node_modules/@scope/util'), 'helper')).toBe(
      join(root, 'node_modules/helper'),
    )
    expect(locate(root, root, '@scope/util')).toBe(join(root, 'node_modules/@scope/util'))
    expect(locate(root, addon, 'nowhere')).toBeUndefined()
  })

  it('follows dependencies transitively, both versions of a package, but not install-time tools', () => {
    expect(packageClosure(root, ['addon']).map((dir) => dir.slice(root.length + 1))).toEqual([
      'node_modules/@scope/util',
      'node_modules/addon',
      'node_modules/addon/node_modules/helper',
      'node_modules/helper',
    ])
  })

  it('refuses an import of a package that is not installed', () => {
    expect(() => packageClosure(root, ['addon', 'missing'])).toThrow(
      'missing (needed from the bundles) is not installed',
    )
  })

  it('copies imported packages whole, bundled ones as package.json alone, and nothing else', () => {
    const result = copyRuntimeModules(
      root,
      {
        external: ['addon', 'supports-color'],
        bundled: [
          'node_modules/bundled-a',
          'node_modules/bundled-a/node_modules/bundled-b',
          'node_modules/helper',
        ],
      },
      out,
    )
    expect(result.absent).toEqual(['supports-color'])
    const modules = join(out, 'node_modules')
    expect(readFileSync(join(modules, 'addon/build/Release/addon.node'), 'utf8')).toBe('binary')
    expect(readFileSync(join(modules, 'addon/node_modules/helper/index.js'), 'utf8')).toBe('v2')
    expect(readFileSync(join(modules, 'helper/index.js'), 'utf8')).toBe('v1')
    expect(readdirSync(join(modules, 'bundled-a')).sort()).toEqual(['node_modules', 'package.json'])
    expect(JSON.parse(readFileSync(join(modules, 'bundled-a/package.json'), 'utf8')).version).toBe('3.1.0')
    expect(readdirSync(join(modules, 'bundled-a/node_modules/bundled-b'))).toEqual(['package.json'])
    for (const gone of ['unused', 'prebuild-install', 'tar-fs'])
      expect(existsSync(join(modules, gone))).toBe(false)
  })

  it('refuses a bundle that carries a package production does not install', () => {
    expect(() =>
      copyRuntimeModules(root, { external: [], bundled: ['node_modules/dev-only'] }, join(out, 'x')),
    ).toThrow('node_modules/dev-only is in a bundle but not installed as a production dependency')
  })

  it("keeps the project's own bundle imports: the addon loader and the docs page's assets", () => {
    const kept = packageClosure(projectRoot, ['better-sqlite3', '@fastify/swagger-ui']).map((dir) =>
      dir.slice(projectRoot.length + 1),
    )
    expect(kept).toEqual(
      expect.arrayContaining([
        'node_modules/better-sqlite3',
        'node_modules/bindings',
        'node_modules/file-uri-to-path',
        'node_modules/@fastify/swagger-ui',
        'node_modules/@fastify/static',
      ]),
    )
    expect(kept).not.toContain('node_modules/prebuild-install')
    expect(kept).not.toContain('node_modules/fastify')
  })
})
