import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EnvSchema } from '../src/config.js'
import { projectRoot } from '../src/paths.js'

// The operator's page lists every setting the server reads: a variable added to
// src/config.ts without a row in docs/operations.md's table fails here.

describe('docs/operations.md', () => {
  it('has a row for every environment variable the server reads, and none it does not', () => {
    const text = readFileSync(join(projectRoot, 'docs', 'operations.md'), 'utf8')
    const table = text.slice(
      text.indexOf('## Configuration'),
      text.indexOf('\n## ', text.indexOf('## Configuration') + 1),
    )
    const documented = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1])
    expect(new Set(documented)).toEqual(new Set(Object.keys(EnvSchema.shape)))
  })
})
