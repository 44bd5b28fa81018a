import type { Resource } from '../queries/resources.js'
import type { ParamError } from '../schemas/problem.js'
import { RESOURCE_FIELDS, type ResourceField } from '../schemas/resources.js'

const KNOWN = new Set<string>(RESOURCE_FIELDS)

/**
 * The fields a `fields=` value selects, in the resource's own order and with id
 * always among them; null when the parameter is absent (every field). Unknown
 * names, and a value naming none, are reported in `errors`.
 */
export function resolveFields(names: string[] | undefined, errors: ParamError[]): ResourceField[] | null {
  if (names === undefined) return null
  const allowed = [...RESOURCE_FIELDS]
  const unknown = names.filter((name) => !KNOWN.has(name))
  for (const name of new Set(unknown)) {
    errors.push({
      param: 'fields',
      message: `unknown field "${name}"; allowed: ${allowed.join(', ')}`,
      allowed,
    })
  }
  if (names.length === 0) {
    errors.push({ param: 'fields', message: `must name at least one field: ${allowed.join(', ')}`, allowed })
  }
  const chosen = new Set(names)
  return RESOURCE_FIELDS.filter((field) => field === 'id' || chosen.has(field))
}

/** The resource with only the selected fields (those it has), in the selection's order. */
export function pickFields(
  resource: Resource,
  fields: readonly ResourceField[],
): Partial<Resource> & Pick<Resource, 'id'> {
  const picked: Record<string, unknown> = {}
  for (const field of fields) {
    const value = resource[field]
    if (value !== undefined) picked[field] = value
  }
  return picked as Partial<Resource> & Pick<Resource, 'id'>
}
