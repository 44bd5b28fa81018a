import type { ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

// Validates response bodies against the OpenAPI document the server itself serves
// (OpenAPI 3.1, whose schemas are JSON Schema 2020-12), with ajv: a real validator,
// so a body that drifts from the documented shape fails the test.

type Operation = {
  parameters?: { in: string; name: string; schema?: Record<string, unknown> }[]
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>
}
export type OpenApiDocument = {
  paths: Record<string, { get?: Operation }>
  components: { schemas: Record<string, unknown> }
}

const DOC_ID = 'https://docker-resources-api.test/openapi.json'

function pointer(...parts: string[]): string {
  return parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
}

export class ResponseValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true })
  private readonly cache = new Map<string, ValidateFunction>()

  constructor(readonly doc: OpenApiDocument) {
    addFormats.default(this.ajv)
    this.ajv.addSchema({ ...doc, $id: DOC_ID })
  }

  /**
   * The validator of `template`'s GET response with `status` (under `media`, else
   * its first media type), or undefined when none is documented.
   */
  validator(template: string, status: number | 'default', media?: string): ValidateFunction | undefined {
    const content = this.doc.paths[template]?.get?.responses[String(status)]?.content ?? {}
    const type = media ?? Object.keys(content)[0]
    if (type === undefined || !(type in content)) return undefined
    const key = `${template} ${status} ${type}`
    if (!this.cache.has(key)) {
      const ref = `${DOC_ID}#/${pointer('paths', template, 'get', 'responses', String(status), 'content', type, 'schema')}`
      this.cache.set(key, this.ajv.compile({ $ref: ref }))
    }
    return this.cache.get(key)
  }

  /** The media types documented for `template`'s GET response with `status`. */
  mediaTypes(template: string, status: number): string[] {
    return Object.keys(this.doc.paths[template]?.get?.responses[String(status)]?.content ?? {})
  }

  /** Problems with `body` as an RFC 9457 problem (the Problem component); [] when it conforms. */
  checkProblem(body: unknown): string[] {
    const key = '#Problem'
    if (!this.cache.has(key))
      this.cache.set(key, this.ajv.compile({ $ref: `${DOC_ID}#/components/schemas/Problem` }))
    const validate = this.cache.get(key) as ValidateFunction
    if (validate(body)) return []
    return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`)
  }

  /** Problems with `body` as `template`'s documented response for `status` (and `media`); [] when it conforms. */
  check(template: string, status: number | 'default', body: unknown, media?: string): string[] {
    const validate = this.validator(template, status, media)
    if (!validate) return [`no schema documented for GET ${template} ${status} ${media ?? ''}`.trimEnd()]
    if (validate(body)) return []
    return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`)
  }
}
