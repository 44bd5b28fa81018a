import { z } from 'zod'

export const ParamErrorSchema = z
  .object({
    param: z.string().describe('The query or path parameter at fault'),
    message: z.string(),
    allowed: z.array(z.string()).optional().describe('The values or names that would have been accepted'),
  })
  .meta({ id: 'ParamError' })

/** One parameter at fault, as a problem's errors list it. */
export type ParamError = z.infer<typeof ParamErrorSchema>

/** RFC 9457 problem details: the one error shape every route answers with. */
export const ProblemSchema = z
  .object({
    type: z
      .string()
      .describe('A URI identifying the problem type; about:blank means the HTTP status says it all'),
    title: z.string().describe('Short summary of the problem type'),
    status: z.number().int().describe('The HTTP status code'),
    detail: z.string().describe('What went wrong with this request, for a person to read'),
    instance: z.string().optional().describe('The request path'),
    code: z.string().optional().describe('A stable machine-readable code, e.g. unknown_parameter'),
    errors: z.array(ParamErrorSchema).optional().describe('One entry per invalid parameter'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (media type application/problem+json)' })
export type Problem = z.infer<typeof ProblemSchema>

/** A problem response for a route's schema, documented under its own media type. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } }
}

export const problemResponses = {
  400: problemResponse('Invalid parameters: the problem names each one and what is allowed'),
  404: problemResponse('Not found'),
} as const
