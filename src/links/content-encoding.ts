import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'

// Servers may compress an answer whatever the request said (RFC 9110 lets them when
// Accept-Encoding is absent), so bodies are decoded here. A prefix (the checker reads
// 64 KiB at most) is decoded as far as it goes.

/** The decoded body; with `partial`, a cut-off body gives what it holds, and nothing when it cannot be read. */
export function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  options: { partial: boolean },
): Buffer {
  const coding = contentEncoding?.trim().toLowerCase()
  const flush = options.partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body, flush)
    if (coding === 'br') {
      return brotliDecompressSync(
        body,
        options.partial ? { finishFlush: constants.BROTLI_OPERATION_FLUSH } : {},
      )
    }
    if (coding === 'deflate') {
      try {
        return inflateSync(body, flush)
      } catch {
        // Some servers send raw deflate without the zlib wrapper.
        return inflateRawSync(body, flush)
      }
    }
  } catch (error) {
    if (options.partial) return Buffer.alloc(0)
    throw error
  }
  return body
}
