import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { example } from '../../client/example.js'
import { projectRoot } from '../../src/paths.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { tempDir } from '../helpers/database.js'

// docs/typed-client.md shows client/example.ts and what it prints: both are
// checked here against the file and a real run, so the page cannot drift.

const docs = () => readFileSync(join(projectRoot, 'docs', 'typed-client.md'), 'utf8')

let api: TestApp
beforeAll(async () => {
  // Load shedding off: a lagging event loop on a busy machine would answer 503.
  api = await startTestApp({ MAX_EVENT_LOOP_DELAY_MS: '0' })
})
afterAll(async () => {
  await api.close()
})

describe('the documented example', () => {
  it('is client/example.ts as it is', () => {
    const source = readFileSync(join(projectRoot, 'client', 'example.ts'), 'utf8')
    expect(docs()).toContain(`\`\`\`ts\n${source}\`\`\``)
  })

  it('prints what the docs say it prints, against the real app', async () => {
    const lines: string[] = []
    const { port } = api.app.server.address() as AddressInfo
    await example(`http://127.0.0.1:${port}`, (line) => lines.push(line))
    expect(lines).toHaveLength(5)
    expect(docs()).toContain(`\`\`\`text\n${lines.join('\n')}\n\`\`\``)
  })
})

describe('the client in a front end', () => {
  it('type-checks with browser settings: DOM, bundler resolution, no Node types', () => {
    const { dir, cleanup } = tempDir()
    try {
      const config = join(dir, 'tsconfig.json')
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'bundler',
            lib: ['ES2022', 'DOM', 'DOM.Iterable'],
            types: [],
            strict: true,
            noUncheckedIndexedAccess: true,
            verbatimModuleSyntax: true,
            skipLibCheck: true,
            noEmit: true,
          },
          files: [join(projectRoot, 'client', 'index.ts'), join(projectRoot, 'client', 'example.ts')],
        }),
      )
      const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc')
      const result = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8', timeout: 60_000 })
      expect(result.stdout + result.stderr).toBe('')
      expect(result.status).toBe(0)
    } finally {
      cleanup()
    }
  })
})
