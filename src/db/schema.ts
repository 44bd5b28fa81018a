import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// The one source of the database's shape: drizzle-kit generates migrations/ from
// this file. The FTS5 index over resources has no drizzle equivalent; it lives in a
// hand-written migration (migrations/*_resources_fts.sql) kept in step with it.

export const categories = sqliteTable('categories', {
  slug: text('slug').primaryKey(),
  name: text('name').notNull(),
  heading: text('heading'),
  position: integer('position').notNull().unique(),
  count: integer('count').notNull(),
})

export const resources = sqliteTable(
  'resources',
  {
    // An INTEGER PRIMARY KEY is SQLite's rowid: the FTS5 index points at it.
    rowId: integer('row_id').primaryKey(),
    id: text('id').notNull().unique(),
    title: text('title').notNull(),
    url: text('url').notNull().unique(),
    description: text('description').notNull(),
    category: text('category')
      .notNull()
      .references(() => categories.slug),
    host: text('host').notNull(),
    position: integer('position').notNull().unique(),
    // Space-separated tag slugs, sorted: what the full-text index reads, and the
    // order the API returns them in. resource_tags is the relational copy filters use.
    tagsText: text('tags_text').notNull(),
    sourcePage: text('source_page').notNull(),
    sourceSection: text('source_section'),
    sourceLine: integer('source_line').notNull(),
  },
  (table) => [
    index('resources_category_position').on(table.category, table.position),
    index('resources_host_position').on(table.host, table.position),
    index('resources_title_position').on(sql`${table.title} COLLATE NOCASE`, table.position),
    check('resources_position_positive', sql`${table.position} > 0`),
  ],
)

export const resourceLinks = sqliteTable(
  'resource_links',
  {
    resourceRowId: integer('resource_row_id')
      .notNull()
      .references(() => resources.rowId, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    url: text('url').notNull(),
  },
  (table) => [primaryKey({ columns: [table.resourceRowId, table.position] })],
)

export const tags = sqliteTable('tags', {
  slug: text('slug').primaryKey(),
  name: text('name').notNull(),
  count: integer('count').notNull(),
})

export const resourceTags = sqliteTable(
  'resource_tags',
  {
    tag: text('tag')
      .notNull()
      .references(() => tags.slug),
    resourceRowId: integer('resource_row_id')
      .notNull()
      .references(() => resources.rowId, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.tag, table.resourceRowId] }),
    index('resource_tags_resource').on(table.resourceRowId),
  ],
)

// One row describing the dataset: which page it was built from, when, and how big.
export const metadata = sqliteTable(
  'metadata',
  {
    id: integer('id').primaryKey(),
    sourceHash: text('source_hash').notNull(),
    seededAt: text('seeded_at').notNull(),
    resourceCount: integer('resource_count').notNull(),
    categoryCount: integer('category_count').notNull(),
    tagCount: integer('tag_count').notNull(),
  },
  (table) => [check('metadata_single_row', sql`${table.id} = 1`)],
)
