import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import type { ZodObject } from 'zod'
import type { Problem } from '../schemas/problem.js'

type ParamError = NonNullable<Problem['errors']>[number]

/** An error a route raises on purpose: it becomes a problem+json response as it is. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: ParamError[],
  ) {
    super(detail)
  }
}

/** A 400 whose detail reads as one sentence per bad parameter, e.g. `categroy: unknown parameter; allowed: …`. */
export function invalidParams(errors: ParamError[]): ProblemError {
  const detail = errors.map((error) => `${error.param}: ${error.message}`).join('. ')
  return new ProblemError(400, 'invalid_parameter', detail, errors)
}

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

export function sendProblem(
  reply: FastifyReply,
  status: number,
  body: { detail: string; code?: string; errors?: ParamError[] },
) {
  const problem: Problem = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: body.detail,
    instance: reply.request.url.split('?')[0] ?? '/',
    ...(body.code ? { code: body.code } : {}),
    ...(body.errors ? { errors: body.errors } : {}),
  }
  return reply.code(status).type(PROBLEM_TYPE).send(problem)
}

function allowedQueryParams(request: FastifyRequest): string[] {
  const schema = request.routeOptions.schema?.querystring as ZodObject | undefined
  return schema?.shape ? Object.keys(schema.shape) : []
}

function validationErrors(request: FastifyRequest, error: FastifyError): ParamError[] {
  if (!hasZodFastifySchemaValidationErrors(error)) {
    return [{ param: error.validationContext ?? 'request', message: error.message }]
  }
  return error.validation.flatMap((issue): ParamError[] => {
    const keys = (issue.params as { keys?: string[] }).keys
    if (issue.keyword === 'unrecognized_keys' && keys) {
      const allowed = allowedQueryParams(request)
      return keys.map((key) => ({
        param: key,
        message:
          allowed.length > 0
            ? `unknown parameter; allowed: ${allowed.join(', ')}`
            : 'this endpoint takes no parameters',
        allowed,
      }))
    }
    const param = issue.instancePath.split('/').filter(Boolean)[0] ?? error.validationContext ?? 'request'
    return [{ param, message: issue.message ?? 'is invalid' }]
  })
}

export type ProblemBody = { status: number; detail: string; code?: string; errors?: ParamError[] }

/**
 * What an error tells the client. Client errors say what was wrong and what is
 * allowed; server errors are logged in full here and described generically, so
 * no stack trace or SQL ever reaches a client. The catalog page shows the same
 * body as HTML.
 */
export function problemFor(error: FastifyError, request: FastifyRequest): ProblemBody {
  if (error instanceof ProblemError) {
    return { status: error.status, detail: error.detail, code: error.code, errors: error.errors }
  }
  if (error.validation) {
    const errors = validationErrors(request, error)
    // Both messages validationErrors() gives a parameter the route does not take.
    const unknown = errors.some(
      (item) =>
        item.message.startsWith('unknown parameter') || item.message === 'this endpoint takes no parameters',
    )
    return {
      status: 400,
      detail: invalidParams(errors).detail,
      code: unknown ? 'unknown_parameter' : 'invalid_parameter',
      errors,
    }
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500 && !isResponseSerializationError(error)) {
    return { status, detail: error.message, code: error.code?.toLowerCase() }
  }
  request.log.error({ err: error }, 'request failed')
  return { status: 500, detail: 'An unexpected error occurred; it has been logged.', code: 'internal' }
}

/** Every error leaves as RFC 9457 problem details. */
async function problems(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemFor(error, request)
    return sendProblem(reply, problem.status, problem)
  })

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, {
      detail: `No resource at ${request.method} ${request.url.split('?')[0]}. The API lives under /v1; see /docs.`,
      code: 'not_found',
    }),
  )
}

export default fp(problems, { name: 'problems', fastify: '5.x' })
