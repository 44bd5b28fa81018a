import { z } from 'zod'

export const PageLinksSchema = z
  .object({
    self: z.string(),
    first: z.string(),
    last: z
      .string()
      .nullable()
      .describe('The page holding the last results; null when meta.total is an estimate (totalIsEstimate)'),
    next: z.string().nullable(),
    prev: z.string().nullable(),
  })
  .meta({
    id: 'PageLinks',
    description: 'Relative URLs of this and neighbouring pages (on resource lists, next carries a cursor)',
  })
