import { readFileSync } from 'node:fs'

// Summarises a V8 CPU profile (node --cpu-prof): the functions with the most self
// time and the most inclusive time (self plus everything they called), as shares
// of the samples. `npx tsx bench/profile-summary.ts FILE.cpuprofile [N]`.

type Node = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

export type ProfileEntry = { name: string; selfShare: number; totalShare: number }

function label(node: Node): string {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(dist|src)\//, '$1/')
    .replace(/^file:\/\//, '')
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
}

export function summarise(profile: Profile): ProfileEntry[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  let all = 0
  for (const [i, id] of profile.samples.entries()) {
    const weight = profile.timeDeltas[i] ?? 0
    all += weight
    const node = byId.get(id)
    if (!node) continue
    const name = label(node)
    self.set(name, (self.get(name) ?? 0) + weight)
    // Inclusive: every distinct function on the stack, once (recursion counted once).
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)
      if (!frame) break
      const frameName = label(frame)
      if (seen.has(frameName)) continue
      seen.add(frameName)
      total.set(frameName, (total.get(frameName) ?? 0) + weight)
    }
  }
  return [...total.keys()].map((name) => ({
    name,
    selfShare: (self.get(name) ?? 0) / all,
    totalShare: (total.get(name) ?? 0) / all,
  }))
}

export function formatSummary(entries: ProfileEntry[], top: number): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`
  const bySelf = [...entries].sort((a, b) => b.selfShare - a.selfShare).slice(0, top)
  const byTotal = [...entries]
    .filter((entry) => !/^\((root|program|idle|garbage collector)\)/.test(entry.name))
    .sort((a, b) => b.totalShare - a.totalShare)
    .slice(0, top)
  return [
    '| Self | Function |',
    '|---:|---|',
    ...bySelf.map((entry) => `| ${pct(entry.selfShare)} | ${entry.name} |`),
    '',
    '| Inclusive | Function |',
    '|---:|---|',
    ...byTotal.map((entry) => `| ${pct(entry.totalShare)} | ${entry.name} |`),
  ].join('\n')
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, top = '25'] = process.argv.slice(2)
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [N]')
  process.stdout.write(`${formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8'))), Number(top))}\n`)
}
