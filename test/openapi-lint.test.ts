import * as fs from 'node:fs'
import { join } from 'node:path'
import { Document, Spectral } from '@stoplight/spectral-core'
import { Yaml } from '@stoplight/spectral-parsers'
import { bundleAndLoadRuleset } from '@stoplight/spectral-ruleset-bundler/with-loader'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../src/paths.js'
import { tempDir } from './helpers/database.js'

// Spectral lints openapi.yaml with the project's ruleset (.spectral.yaml, which
// extends spectral:oas) the way its CLI does, but in-process and offline: the
// ruleset loader is given a fetch that refuses, so a ruleset that tried to download
// anything would fail here rather than reach the network.

const offline = async (url: string): Promise<never> => {
  throw new Error(`the Spectral ruleset may not fetch ${url}`)
}

async function lint(file: string) {
  const ruleset = await bundleAndLoadRuleset(join(projectRoot, '.spectral.yaml'), {
    fs,
    fetch: offline as unknown as typeof globalThis.fetch,
  })
  const spectral = new Spectral()
  spectral.setRuleset(ruleset)
  const document = new Document(fs.readFileSync(file, 'utf8'), Yaml, file)
  return { ruleset, results: await spectral.run(document) }
}

describe('openapi.yaml under Spectral', () => {
  it("gives no error, warning, information or hint with spectral:oas's recommended rules", async () => {
    const { ruleset, results } = await lint(join(projectRoot, 'openapi.yaml'))
    const findings = results.map(
      (result) =>
        `${result.code} at ${result.path.join('.')} (line ${result.range.start.line + 1}): ${result.message}`,
    )
    expect(findings).toEqual([])
    // The ruleset really is spectral:oas, with its rules on: a broken load cannot pass as clean.
    const enabled = Object.values(ruleset.rules).filter((rule) => rule.enabled)
    expect(enabled.map((rule) => rule.name)).toEqual(
      expect.arrayContaining(['operation-operationId', 'oas3-api-servers', 'oas3-schema', 'info-contact']),
    )
  })

  it('does catch what it should: a document without operationIds or servers is reported', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const stripped = fs
        .readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')
        .replace(/^ {6}operationId: \w+\n/gm, '')
        .replace(/^servers:\n(?: {2}.*\n| {4}.*\n)+/m, '')
      const file = join(dir, 'openapi.yaml')
      fs.writeFileSync(file, stripped)
      const codes = new Set((await lint(file)).results.map((result) => result.code))
      expect([...codes].sort()).toEqual(['oas3-api-servers', 'operation-operationId'])
    } finally {
      cleanup()
    }
  })
})
