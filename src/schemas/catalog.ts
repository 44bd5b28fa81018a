import { z } from 'zod'
import { CategoryRecordSchema, TagRecordSchema } from '../ingest/record.js'

export const CategorySchema = CategoryRecordSchema.extend({
  count: z.number().int().describe('Resources in this category'),
}).meta({ id: 'Category' })

export const CategoryListSchema = z.object({ data: z.array(CategorySchema) }).meta({ id: 'CategoryList' })

export const CategoryParamsSchema = z.object({
  slug: z.string().describe('Category slug or display name, e.g. general or "Python images"'),
})

export const TagSchema = TagRecordSchema.extend({
  count: z.number().int().describe('Resources with this tag'),
}).meta({ id: 'Tag' })

export const TagListSchema = z.object({ data: z.array(TagSchema) }).meta({ id: 'TagList' })

export const NoQuerySchema = z.strictObject({})

export const DatasetSchema = z
  .object({
    sourceHash: z.string().describe('SHA-256 of the seed sources the database was built from'),
    seededAt: z.string().describe('When the database was built (ISO 8601)'),
    resources: z.number().int(),
    categories: z.number().int(),
    tags: z.number().int(),
  })
  .meta({ id: 'Dataset' })

export const ApiIndexSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    description: z.string(),
    dataset: DatasetSchema,
    links: z.record(z.string(), z.string()),
  })
  .meta({ id: 'ApiIndex' })

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' })
export const ReadySchema = z
  .object({ status: z.literal('ready'), resources: z.number().int() })
  .meta({ id: 'Ready' })
