import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { LINK_STATUSES } from '../ingest/link-status.js'

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
    // The health of url, from the link-status file (src/ingest/link-status.ts).
    // Columns of resources rather than a table of their own: every answer carries
    // them and the link filter and facet read them, with no join. Added with
    // defaults (an unchecked link), which SQLite adds in place: a CHECK here would
    // make drizzle-kit rebuild the table and drop the full-text triggers of
    // 0001_resources_fts. The seed validates every status before it writes one.
    linkStatus: text('link_status', { enum: LINK_STATUSES }).notNull().default('unchecked'),
    linkHttpStatus: integer('link_http_status'),
    linkFinalUrl: text('link_final_url'),
    linkPermanent: integer('link_permanent', { mode: 'boolean' }).notNull().default(false),
    linkSuspectSoft404: integer('link_suspect_soft_404', { mode: 'boolean' }).notNull().default(false),
    linkArchiveUrl: text('link_archive_url'),
    linkCheckedAt: text('link_checked_at'),
    linkConsecutiveFailures: integer('link_consecutive_failures').notNull().default(0),
  },
  (table) => [
    index('resources_category_position').on(table.category, table.position),
    // ?link= in page order, and /v1/links (every status but ok, in page order).
    index('resources_link_status_position').on(table.linkStatus, table.position),
    // Covers the one pass that counts the category and link facets together.
    index('resources_category_link_status').on(table.category, table.linkStatus),
    // The oldest and newest check: min() and max() read the ends of the index.
    index('resources_link_checked_at').on(table.linkCheckedAt),
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

// The best-ranked results of each common word, written by the seed once the
// full-text index is built (src/queries/ranking.ts): a search's first page reads
// them instead of scoring every match. Derived from resources_fts alone.
export const searchRankings = sqliteTable('search_rankings', {
  // The FTS5 MATCH expression a one-word search runs (toMatchExpression).
  match: text('match').primaryKey(),
  // Row ids and bm25() ranks, best first, as JSON arrays of equal length.
  rowIds: text('row_ids').notNull(),
  ranks: text('ranks').notNull(),
})
