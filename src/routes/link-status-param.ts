import { LINK_STATUSES, type LinkStatus } from '../ingest/link-status.js'
import { findLinkStatus } from '../queries/links.js'
import type { ParamError } from '../schemas/problem.js'

/**
 * Link statuses as a list parameter gave them (link= on the resource lists,
 * status= on /v1/links): each known one once, in the order given; each unknown
 * one is an error listing the six, like an unknown category.
 */
export function resolveLinkStatuses(
  values: string[] | undefined,
  param: string,
  errors: ParamError[],
): LinkStatus[] {
  const statuses = new Set<LinkStatus>()
  for (const value of values ?? []) {
    const status = findLinkStatus(value)
    if (status) statuses.add(status)
    else {
      errors.push({
        param,
        message: `unknown link status "${value}"; valid: ${LINK_STATUSES.join(', ')}`,
        allowed: [...LINK_STATUSES],
      })
    }
  }
  return [...statuses]
}
