import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { openReadOnly, type Sqlite } from '../db/open.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The seeded database, read-only. */
    db: Sqlite
  }
}

export type DatabaseOptions = { path: string }

/** Opens the database once at start-up and closes it after the last request. */
async function database(app: FastifyInstance, options: DatabaseOptions) {
  const db = openReadOnly(options.path)
  app.decorate('db', db)
  app.addHook('onClose', async () => {
    db.close()
  })
}

export default fp(database, { name: 'database', fastify: '5.x' })
