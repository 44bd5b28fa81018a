import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TARGET } from '../scripts/bundle.js'
import { projectRoot } from '../src/paths.js'

// One Node major for production (.nvmrc; the image's stages; CI's second run and the
// container test read it there), and one minimum for everyone else (engines; the
// bundles are compiled down to it). A Dockerfile left on another major fails here.

const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8')

describe('Node versions', () => {
  const major = read('.nvmrc').trim()

  it('.nvmrc names Node 24, and every node image in the Dockerfile is that major', () => {
    expect(major).toBe('24')
    const images = [...read('Dockerfile').matchAll(/node:(\d+)-bookworm(-slim)?/g)].map((m) => m[0])
    expect(new Set(images)).toEqual(new Set([`node:${major}-bookworm`, `node:${major}-bookworm-slim`]))
  })

  it('engines still accepts Node 20.19, and the bundles target that minimum', () => {
    const engines = JSON.parse(read('package.json')).engines.node
    expect(engines).toBe('>=20.19')
    expect(TARGET).toBe('node20.19')
  })
})
