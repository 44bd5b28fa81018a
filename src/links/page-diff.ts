import type { ResourceRecord } from '../ingest/record.js'

// What changed between two versions of a page, resource by resource: ids come from
// URLs, so a resource whose title, description or category changed keeps its id and
// shows as changed, while a new URL is one resource removed and another added (unless
// only http/https, www. or a trailing slash changed, which keeps the id).

export const COMPARED_FIELDS = ['title', 'url', 'description', 'category'] as const
export type ComparedField = (typeof COMPARED_FIELDS)[number]

export type ResourceChange = {
  id: string
  before: ResourceRecord
  after: ResourceRecord
  fields: ComparedField[]
}

export type PageDiff = {
  added: ResourceRecord[]
  removed: ResourceRecord[]
  changed: ResourceChange[]
  unchanged: number
}

export function diffResources(before: readonly ResourceRecord[], after: readonly ResourceRecord[]): PageDiff {
  const old = new Map(before.map((resource) => [resource.id, resource]))
  const next = new Map(after.map((resource) => [resource.id, resource]))
  const diff: PageDiff = { added: [], removed: [], changed: [], unchanged: 0 }
  for (const resource of after) {
    const previous = old.get(resource.id)
    if (!previous) {
      diff.added.push(resource)
      continue
    }
    const fields = COMPARED_FIELDS.filter((field) => previous[field] !== resource[field])
    if (fields.length > 0) diff.changed.push({ id: resource.id, before: previous, after: resource, fields })
    else diff.unchanged++
  }
  for (const resource of before) if (!next.has(resource.id)) diff.removed.push(resource)
  return diff
}

function quote(text: string, max = 100): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text
  return JSON.stringify(short)
}

export function formatDiff(diff: PageDiff): string {
  const lines: string[] = []
  if (diff.added.length > 0) {
    lines.push(`added (${diff.added.length}):`)
    for (const resource of diff.added) {
      lines.push(
        `  + ${resource.id}  [${resource.category}] ${quote(resource.title)}`,
        `      ${resource.url}`,
      )
    }
  }
  if (diff.removed.length > 0) {
    lines.push(`removed (${diff.removed.length}):`)
    for (const resource of diff.removed) {
      lines.push(
        `  - ${resource.id}  [${resource.category}] ${quote(resource.title)}`,
        `      ${resource.url}`,
      )
    }
  }
  if (diff.changed.length > 0) {
    lines.push(`changed (${diff.changed.length}):`)
    for (const change of diff.changed) {
      lines.push(`  ~ ${change.id}`)
      for (const field of change.fields) {
        lines.push(`      ${field}: ${quote(change.before[field])} -> ${quote(change.after[field])}`)
      }
    }
  }
  lines.push(`unchanged: ${diff.unchanged}`)
  return `${lines.join('\n')}\n`
}
