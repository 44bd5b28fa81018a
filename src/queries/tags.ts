import type { Sqlite } from '../db/open.js'
import { looseKey } from './categories.js'
import { prepared } from './statements.js'

export type Tag = { slug: string; name: string; count: number }

/** All tags, most used first. */
export function listTags(db: Sqlite): Tag[] {
  return prepared(db, 'SELECT slug, name, count FROM tags ORDER BY count DESC, slug').all() as Tag[]
}

/** A tag by slug or display name ("GitLab CI", "mod_wsgi"), forgiving case and spacing. */
export function findTag(db: Sqlite, text: string): Tag | null {
  const key = looseKey(text)
  const bySlug = prepared(db, 'SELECT slug, name, count FROM tags WHERE slug = ?').get(key) as Tag | undefined
  if (bySlug) return bySlug
  return (
    (prepared(db, 'SELECT slug, name, count FROM tags WHERE lower(name) = ?').get(key.replaceAll('-', ' ')) as
      | Tag
      | undefined) ?? null
  )
}
