// What can go wrong before a response arrives, sorted by what it means for a link:
// a name that does not resolve or a bad certificate is the site's problem and final;
// a timeout or a reset is worth asking again; a refused connection or an unreachable
// network is transient but not retried (lychee does the same).

export type FailureKind =
  | 'dns' // the name does not resolve
  | 'dns-temporary' // the resolver could not answer now
  | 'tls' // expired, self-signed, wrong host, bad handshake
  | 'timeout'
  | 'reset' // the connection was reset or closed mid-answer
  | 'refused'
  | 'network' // no route to the host or network
  | 'protocol' // the answer was not valid HTTP
  | 'other'

export class RequestFailure extends Error {
  readonly kind: FailureKind
  readonly code: string | undefined

  constructor(kind: FailureKind, message: string, code?: string) {
    super(message)
    this.name = 'RequestFailure'
    this.kind = kind
    this.code = code
  }
}

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE)/

const BY_CODE: Record<string, FailureKind> = {
  ENOTFOUND: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  EAI_FAIL: 'dns',
  EAI_AGAIN: 'dns-temporary',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  EHOSTDOWN: 'network',
  ENETDOWN: 'network',
  EPROTO: 'tls',
}

const DESCRIPTION: Record<FailureKind, string> = {
  dns: 'name does not resolve',
  'dns-temporary': 'name lookup failed for now',
  tls: 'TLS',
  timeout: 'timed out',
  reset: 'connection reset',
  refused: 'connection refused',
  network: 'host unreachable',
  protocol: 'invalid HTTP response',
  other: 'request failed',
}

type ErrorLike = {
  code?: unknown
  message?: unknown
  cause?: unknown
  hostname?: unknown
  host?: unknown
  cert?: { subjectaltname?: unknown }
}

// Node's own wording changes between versions (24 adds advice to some): the common
// certificate failures are described here, the others keep Node's first sentence.
const TLS_DESCRIPTION: Record<string, string> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate from an unknown issuer',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate from an unknown issuer',
  CERT_REVOKED: 'certificate revoked',
}

function tlsDescription(code: string | undefined, error: ErrorLike | undefined, detail: string): string {
  if (code && TLS_DESCRIPTION[code]) return TLS_DESCRIPTION[code]
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = error?.cert?.subjectaltname
    const host = typeof error?.host === 'string' ? error.host : 'this host'
    return `certificate is not for ${host}${typeof names === 'string' ? ` (it names ${names})` : ''}`
  }
  return detail.split(/[;\n]/)[0] ?? detail
}

/** The most specific error code in an error and its causes (undici wraps socket errors). */
function codes(error: unknown): Array<{ code: string; error: ErrorLike }> {
  const found: Array<{ code: string; error: ErrorLike }> = []
  let current = error as ErrorLike | undefined
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') found.push({ code: current.code, error: current })
    current = current.cause as ErrorLike | undefined
  }
  return found
}

function kindOf(code: string): FailureKind | undefined {
  if (BY_CODE[code]) return BY_CODE[code]
  if (TLS_CODE.test(code)) return 'tls'
  if (code.startsWith('HPE_')) return 'protocol'
  return undefined
}

/** Turns anything a request threw into a RequestFailure with a short, readable message. */
export function toRequestFailure(error: unknown): RequestFailure {
  if (error instanceof RequestFailure) return error
  const all = codes(error)
  // The innermost known code is the real cause (a reset under undici's "other side closed").
  const known = [...all].reverse().find((entry) => kindOf(entry.code) !== undefined)
  const code = known?.code ?? all[0]?.code
  const kind = (known && kindOf(known.code)) ?? 'other'
  const detail = String(known?.error.message ?? (error as ErrorLike)?.message ?? error)
  let message: string
  if (kind === 'dns') {
    const host = typeof known?.error.hostname === 'string' ? `: ${known.error.hostname}` : ''
    message = `${DESCRIPTION.dns}${host}`
  } else if (kind === 'tls') {
    message = `TLS: ${tlsDescription(code, known?.error, detail)}`
  } else if (kind === 'other' || kind === 'protocol') {
    message = `${DESCRIPTION[kind]}: ${detail}`
  } else {
    message = DESCRIPTION[kind]
  }
  return new RequestFailure(kind, code ? `${message} (${code})` : message, code)
}
