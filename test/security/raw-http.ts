import { connect } from 'node:net'

export type RawResponse = {
  status: number
  /** Header lines exactly as received, lower-cased names. */
  headers: [string, string][]
  head: string
  body: string
}

/**
 * Sends bytes as they are (no client-side checks or normalization, unlike fetch
 * or supertest) to a listening server and reads one response, so tests can send
 * what a hostile client would: huge request lines, oversized or odd headers.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const finish = () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      if (split === -1) {
        reject(new Error(`no complete response (${text.length} bytes): ${text.slice(0, 200)}`))
        return
      }
      const head = text.slice(0, split)
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':')
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
      })
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        head,
        body: Buffer.from(text.slice(split + 4), 'latin1').toString('utf8'),
      })
    }
    const timer = setTimeout(() => {
      socket.destroy()
      finish()
    }, timeoutMs)
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split))?.[1]
      if (
        split !== -1 &&
        length !== undefined &&
        Buffer.byteLength(text.slice(split + 4), 'latin1') >= Number(length)
      ) {
        socket.end()
      }
    })
    // The server may close while we are still sending (it refused the request).
    socket.on('error', () => {})
    socket.on('close', finish)
    socket.write(request)
  })
}
