import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** 1-based number of the only line of `file` (relative to the repo) that contains `needle`. */
export function lineOf(file: string, needle: string): number {
  const lines = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').split('\n')
  const matches = lines.flatMap((line, index) => (line.includes(needle) ? [index + 1] : []))
  if (matches.length !== 1)
    throw new Error(`${file}: expected one line containing ${needle}, found ${matches.length}`)
  return matches[0] as number
}

// Real pages of the site, kept outside the repository (never copied in).
export const corpusDir = resolve(repoRoot, '../shared/corpus-dev')
export const corpusPages = existsSync(corpusDir)
  ? readdirSync(corpusDir)
      .filter((name) => name.endsWith('.markdown'))
      .sort()
  : []
