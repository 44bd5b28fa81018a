import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../src/paths.js'
import { tempDir } from './helpers/temp-dir.js'

// src/keep-next-tick-fast.ts works around V8 (13.6, Node 24; 20 too) marking the keys of
// nextTick's tick literal megamorphic after a full collection, which leaves every
// later nextTick on a runtime call. These read V8's own feedback states (the
// %DebugPrint of process.nextTick) in a real process that collects between ticks.

const major = Number(process.versions.node.split('.')[0])

/** The states of nextTick's literal-key feedback slots after the probe's collection. */
function literalKeyStates(keep: boolean): string[] {
  const { dir, cleanup } = tempDir('dra-next-tick-')
  try {
    // V8 prints through C's stdio, whose buffer a pipe can lose at exit; a file cannot.
    const out = join(dir, 'debug-print.txt')
    const module = join(dir, 'keep-next-tick-fast.cjs')
    const source = readFileSync(join(projectRoot, 'src/keep-next-tick-fast.ts'), 'utf8')
    writeFileSync(module, transformSync(source, { loader: 'ts', format: 'cjs' }).code)
    const fd = openSync(out, 'w')
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--allow-natives-syntax', join(projectRoot, 'test/fixtures/next-tick-probe.cjs')],
      {
        env: { ...process.env, PROBE_MODULE: keep ? module : '' },
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
        timeout: 30_000,
      },
    )
    closeSync(fd)
    expect(run.status, run.stderr).toBe(0)
    return [...readFileSync(out, 'utf8').matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map(
      (m) => m[1] as string,
    )
  } finally {
    cleanup()
  }
}

describe('keep-next-tick-fast', () => {
  it('with the module loaded, every key of the tick literal stays monomorphic through a full collection', () => {
    const states = literalKeyStates(true)
    expect(states.length).toBeGreaterThanOrEqual(4)
    expect(new Set(states)).toEqual(new Set(['MONOMORPHIC']))
  })

  // The control: the probe does see the fault where it exists, so the test above can fail.
  it.runIf(major >= 24)('without it, on Node 24 the same collection turns the keys megamorphic', () => {
    expect(literalKeyStates(false)).toContain('MEGAMORPHIC')
  })

  it('server.ts loads it before any other module', () => {
    const imports = readFileSync(join(projectRoot, 'src/server.ts'), 'utf8').match(/^import .*$/gm) ?? []
    expect(imports[0]).toBe("import './keep-next-tick-fast.js'")
  })
})
