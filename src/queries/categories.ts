import type { Sqlite } from '../db/open.js'
import { prepared } from './statements.js'

export type Category = { slug: string; name: string; heading: string | null; position: number; count: number }

export function listCategories(db: Sqlite): Category[] {
  return prepared(
    db,
    'SELECT slug, name, heading, position, count FROM categories ORDER BY position',
  ).all() as Category[]
}

/** "Python images", "python_images" and "PYTHON-IMAGES" all name python-images. */
export function looseKey(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
}

/**
 * Finds a category by its slug, display name or page heading, forgiving case,
 * spaces and underscores; null when nothing matches.
 */
export function findCategory(categories: Category[], text: string): Category | null {
  const key = looseKey(text)
  return (
    categories.find(
      (category) =>
        category.slug === key ||
        looseKey(category.name) === key ||
        (category.heading !== null && looseKey(category.heading) === key),
    ) ?? null
  )
}
