import { z } from 'zod'

// The records the parser produces and the seed stores. They are the contract
// between the ingest stage and everything after it: the database columns and
// the API's response shapes are derived from the same fields.

export const SlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single hyphens')

export const HttpUrlSchema = z.string().refine((value) => {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0
  } catch {
    return false
  }
}, 'must be an absolute http(s) URL')

export const LinkSchema = z.object({
  title: z.string(),
  url: HttpUrlSchema,
})
export type Link = z.infer<typeof LinkSchema>

export const SourceSchema = z.object({
  page: z.string().min(1).describe('Slug of the page the resource was read from'),
  section: z.string().nullable().describe('Heading the item sits under; null for the introduction'),
  line: z.number().int().positive().describe('1-based line of the item in the page'),
})
export type Source = z.infer<typeof SourceSchema>

export const ResourceRecordSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/),
  title: z.string().trim().min(1, 'title is empty'),
  url: HttpUrlSchema,
  description: z.string(),
  category: SlugSchema,
  tags: z.array(SlugSchema),
  host: z.string().min(1),
  links: z.array(LinkSchema).min(1),
  position: z.number().int().positive(),
  source: SourceSchema,
})
export type ResourceRecord = z.infer<typeof ResourceRecordSchema>

export const CategoryRecordSchema = z.object({
  slug: SlugSchema,
  name: z.string().min(1),
  heading: z.string().nullable().describe('The heading on the page; null for the introduction'),
  position: z.number().int().positive(),
  count: z.number().int().nonnegative(),
})
export type CategoryRecord = z.infer<typeof CategoryRecordSchema>

export const TagRecordSchema = z.object({
  slug: SlugSchema,
  name: z.string().min(1).describe('Display name, e.g. PostgreSQL'),
})
export type TagRecord = z.infer<typeof TagRecordSchema>

export const ProblemSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  message: z.string(),
})
export type Problem = z.infer<typeof ProblemSchema>

export const PageInfoSchema = z.object({
  file: z.string(),
  slug: z.string(),
  title: z.string(),
})
export type PageInfo = z.infer<typeof PageInfoSchema>

export const ParsedPageSchema = z.object({
  page: PageInfoSchema,
  categories: z.array(CategoryRecordSchema),
  resources: z.array(ResourceRecordSchema),
  tags: z.array(TagRecordSchema).describe('Every tag the resources use, with its display name'),
  problems: z.array(ProblemSchema),
})
export type ParsedPage = z.infer<typeof ParsedPageSchema>
