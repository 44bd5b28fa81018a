import { z } from 'zod'
import { CategoryRecordSchema, TagRecordSchema } from '../ingest/record.js'

export const CategorySchema = CategoryRecordSchema.extend({
  count: z.number().int().nonnegative().describe('Resources in this category'),
}).meta({ id: 'Category', description: 'A section of the page' })

export const CategoryListSchema = z
  .object({ data: z.array(CategorySchema) })
  .meta({ id: 'CategoryList', description: 'Categories in page order' })

export const CategoryParamsSchema = z.object({
  slug: z.string().describe('Category slug or display name, e.g. general or "Python images"'),
})

export const TagSchema = TagRecordSchema.extend({
  count: z.number().int().nonnegative().describe('Resources with this tag'),
}).meta({ id: 'Tag', description: 'A technology resources are tagged with' })

export const TagListSchema = z
  .object({ data: z.array(TagSchema) })
  .meta({ id: 'TagList', description: 'Tags, most used first' })

export const NoQuerySchema = z.strictObject({})

export const DatasetSchema = z
  .object({
    sourceHash: z.string().describe('SHA-256 of the seed sources the database was built from'),
    seededAt: z.string().describe('When the database was built (ISO 8601)'),
    resources: z.number().int().nonnegative(),
    categories: z.number().int().nonnegative(),
    tags: z.number().int().nonnegative(),
  })
  .meta({ id: 'Dataset', description: 'The dataset the server is serving' })

export const ApiIndexSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    description: z.string(),
    dataset: DatasetSchema,
    links: z.record(z.string(), z.string()),
  })
  .meta({ id: 'ApiIndex', description: 'Name, version, dataset and entry points of the API' })

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health', description: 'Alive' })
export const ReadySchema = z
  .object({ status: z.literal('ready'), resources: z.number().int() })
  .meta({ id: 'Ready', description: 'Ready to serve' })
