import './keep-next-tick-fast.js'
import { createServer, type Server } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { DatabaseError } from './db/open.js'

// The only file that listens. A bad setting or an unusable database stops the
// process with one line naming the problem, not a stack trace. No top-level await:
// the bundle is a CommonJS script, which start.ts runs from V8's code cache.
async function main() {
  try {
    const config = loadConfig()
    const app = await buildApp(config)
    // The metrics on their own port (METRICS_PORT), which a Service never exposes.
    const metricsServer: Server | null = app.metrics ? createServer(app.metrics.handler) : null
    const delayMs = config.shutdownDelayMs
    closeWithGrace({ delay: delayMs + config.shutdownTimeoutMs }, async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'shutting down after an error')
      // SIGTERM is how orchestrators and `docker stop` ask; whatever routes traffic
      // here needs time to see /readyz fail before the port closes. SIGINT is a
      // person at a terminal (Ctrl-C), who has no balancer to wait for.
      else if (signal === 'SIGTERM' && delayMs > 0) {
        app.drain()
        app.log.info({ signal, delayMs }, 'shutting down: /readyz answers 503, still serving')
        await sleep(delayMs)
      }
      if (!err) app.log.info({ signal }, 'shutting down: finishing requests in flight')
      await app.close()
      // Last, so a scrape during the drain still sees the requests finishing.
      if (metricsServer?.listening) await new Promise((resolve) => metricsServer.close(resolve))
    })
    if (metricsServer) {
      await new Promise<void>((resolve, reject) => {
        metricsServer.once('error', reject)
        metricsServer.listen(config.metrics.port, config.metrics.host, () => {
          metricsServer.off('error', reject)
          resolve()
        })
      })
      app.log.info({ port: config.metrics.port, host: config.metrics.host }, 'metrics at /metrics')
    }
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof DatabaseError
    const message = known ? error.message : `cannot start: ${(error as Error).message}`
    process.stderr.write(`docker-resources-api: ${message}\n`)
    process.exit(1)
  }
}

void main()
