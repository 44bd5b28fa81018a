import { createHash } from 'node:crypto'
import { z } from 'zod'
import { type After, type ResourceFilters, SORTS, type Sort } from './resources.js'

// A cursor is opaque to clients: base64url JSON naming the last row of the page
// before (its sort key and position) and where the next page starts. It carries a
// fingerprint of the filters and sort it was issued for, so a cursor reused with
// another query is refused instead of silently returning the wrong rows.

const CursorSchema = z.object({
  f: z.string(),
  s: z.enum(SORTS),
  k: z.union([z.string(), z.number(), z.null()]),
  p: z.number().int().nonnegative(),
  o: z.number().int().nonnegative(),
})

export type Cursor = { after: After; offset: number }

export function queryFingerprint(filters: ResourceFilters, sort: Sort): string {
  const canonical = JSON.stringify([
    [...filters.categories].sort(),
    [...filters.tags].sort(),
    [...filters.hosts].sort(),
    [...filters.linkStatuses].sort(),
    filters.match,
    sort,
  ])
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12)
}

export function encodeCursor(fingerprint: string, sort: Sort, after: After, offset: number): string {
  const body = { f: fingerprint, s: sort, k: after.key, p: after.position, o: offset }
  return Buffer.from(JSON.stringify(body)).toString('base64url')
}

export type DecodedCursor = { ok: true; cursor: Cursor } | { ok: false; message: string }

export function decodeCursor(text: string, fingerprint: string, sort: Sort): DecodedCursor {
  let parsed: z.infer<typeof CursorSchema>
  try {
    parsed = CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')))
  } catch {
    return { ok: false, message: 'is not a cursor this API issued; use links.next from a previous page' }
  }
  if (parsed.f !== fingerprint || parsed.s !== sort) {
    return { ok: false, message: 'was issued for different filters or sort; start again without cursor' }
  }
  return { ok: true, cursor: { after: { key: parsed.k, position: parsed.p }, offset: parsed.o } }
}
