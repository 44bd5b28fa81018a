import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import { join } from 'node:path'
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Sqlite } from '../db/open.js'
import { SITE_ORIGIN } from '../ingest/normalize-url.js'
import { projectRoot } from '../paths.js'
import { serveLazily } from '../plugins/lazy-app.js'
import { problemFor } from '../plugins/problems.js'
import { ASSETS_PREFIX } from '../plugins/security.js'
import { findCategory, listCategories } from '../queries/categories.js'
import { getDatasetInfo } from '../queries/dataset.js'
import { findLinkStatus, LINK_STATUS_NAMES } from '../queries/links.js'
import { normalizeHost } from '../queries/resources.js'
import { listSourcePages } from '../queries/source-pages.js'
import { findTag } from '../queries/tags.js'
import { type ResourceListQuery, ResourceListQuerySchema } from '../schemas/resources.js'
import { type ResourceListAnswer, renderCatalogPage, renderErrorPage } from '../views/catalog-page.js'
import {
  type ActiveFilters,
  exportLinks,
  type FilterValue,
  queryOf,
  withoutEmptyParams,
} from '../views/catalog-urls.js'
import type { SiteContext } from '../views/layout.js'
import { answerResourceList } from './resource-list.js'

// The home page is the catalog: GET / answers the same query as GET /v1/resources, through
// the same schema and the same answerResourceList, as a server-rendered page that
// works without JavaScript. Its one script, stylesheet and icon are served under
// content-hashed names, so a browser may keep them for a year.
//
// (Imported after routes/categories.ts in app.ts, as its name sorts: the order in
// which modules name their zod schemas is the order of openapi.yaml's components.)
//
// / always answers HTML, whatever the Accept header: one representation per URL
// keeps the response cache keyed on the URL alone, and programs have /v1 (the
// page names its JSON twin in a Link header and a <link rel="alternate">).

const HTML = 'text/html; charset=utf-8'
const PUBLIC_DIR = join(projectRoot, 'src', 'public')
const ASSET_FILES = { script: 'catalog.js', style: 'catalog.css', icon: 'icon.svg' } as const
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000

type Asset = { file: string; url: string }

/** catalog.js -> /assets/catalog.3f2a9c0d1b7e.js: the name changes whenever the content does. */
function hashedAsset(file: string): Asset {
  const hash = createHash('sha256')
    .update(readFileSync(join(PUBLIC_DIR, file)))
    .digest('hex')
    .slice(0, 12)
  const dot = file.lastIndexOf('.')
  return { file, url: `${ASSETS_PREFIX}${file.slice(0, dot)}.${hash}${file.slice(dot)}` }
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const id = key(item)
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

/** The filters of a valid query, as canonical values with display names (the chips' state). */
function activeFilters(db: Sqlite, query: ResourceListQuery): ActiveFilters {
  const categories = listCategories(db)
  const category = (query.category ?? []).flatMap((value): FilterValue[] => {
    const found = findCategory(categories, value)
    return found ? [{ value: found.slug, name: found.name }] : []
  })
  const tag = (query.tag ?? []).flatMap((value): FilterValue[] => {
    const found = findTag(db, value)
    return found ? [{ value: found.slug, name: found.name }] : []
  })
  const host = (query.host ?? [])
    .map((value) => normalizeHost(value))
    .map((value) => ({ value, name: value }))
  const link = (query.link ?? []).flatMap((value): FilterValue[] => {
    const status = findLinkStatus(value)
    return status ? [{ value: status, name: LINK_STATUS_NAMES[status] }] : []
  })
  const byValue = (item: FilterValue) => item.value
  return {
    category: unique(category, byValue),
    tag: unique(tag, byValue),
    host: unique(host, byValue),
    link: unique(link, byValue),
  }
}

const homePage: FastifyPluginAsyncZod = async (app) => {
  const assets = {
    script: hashedAsset(ASSET_FILES.script),
    style: hashedAsset(ASSET_FILES.style),
    icon: hashedAsset(ASSET_FILES.icon),
  }

  // The database is read-only: what every page shows is read once.
  let site: SiteContext | undefined
  let categoryNames: Map<string, string> | undefined
  function siteContext(): SiteContext {
    if (site) return site
    const urls = { script: assets.script.url, style: assets.style.url, icon: assets.icon.url }
    try {
      const { sourceHash, seededAt, resources } = getDatasetInfo(app.db)
      const sources = listSourcePages(app.db).map((page) => ({
        url: `${SITE_ORIGIN}/${encodeURIComponent(page)}.html`,
        label: `fullstackpython.com/${page}.html`,
      }))
      site = { assets: urls, dataset: { sourceHash, seededAt, resources }, sources }
      return site
    } catch {
      // An error page must render even when the database cannot be read.
      return { assets: urls, dataset: null, sources: [] }
    }
  }

  function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const problem = problemFor(error, request)
    const q = queryOf(request.url).get('q') ?? ''
    const page = renderErrorPage(siteContext(), {
      status: problem.status,
      title: STATUS_CODES[problem.status] ?? 'Error',
      detail: problem.detail,
      errors: problem.errors ?? [],
      q,
    })
    return reply.code(problem.status).type(HTML).send(page.toString())
  }

  // The assets are read from disk by @fastify/static (ETag, Last-Modified, 304) and
  // compressed, in an app built on the first request for one, as the docs page is.
  const assetList = Object.values(assets)
  serveLazily(
    app,
    assetList.map((asset) => asset.url),
    async () => {
      const [{ default: compress }, { default: fastifyStatic }] = await Promise.all([
        import('@fastify/compress'),
        import('@fastify/static'),
      ])
      const files = Fastify({ logger: false })
      await files.register(compress, { encodings: ['br', 'gzip'], threshold: 1024 })
      await files.register(fastifyStatic, { root: PUBLIC_DIR, serve: false })
      for (const asset of assetList) {
        files.get(asset.url, (_request, reply) =>
          reply.sendFile(asset.file, { immutable: true, maxAge: ONE_YEAR_MS }),
        )
      }
      return files
    },
  )

  app.get(
    '/',
    {
      schema: {
        hide: true,
        summary: 'The catalog page: the resource list as HTML',
        tags: ['resources'],
        querystring: ResourceListQuerySchema,
      },
      errorHandler: renderError,
      preValidation: async (request, reply) => {
        const query = withoutEmptyParams(request.url)
        if (query !== null) return reply.redirect(query ? `/?${query}` : '/')
      },
    },
    async (request, reply) => {
      // Field selection and export formats belong to the API; the page shows whole
      // resources, and links to the exports.
      const {
        fields: _fields,
        format: _format,
        ...query
      } = request.query as ResourceListQuery & {
        fields?: unknown
        format?: unknown
      }
      // format=json: the page is HTML whatever the browser's Accept says, and reads
      // the JSON answer; the exports are links.
      const list = answerResourceList(app.db, request, reply, {
        ...query,
        format: 'json',
      }) as ResourceListAnswer
      const params = queryOf(request.url)
      params.delete('fields')
      params.delete('format')
      categoryNames ??= new Map(listCategories(app.db).map((category) => [category.slug, category.name]))
      const page = renderCatalogPage(siteContext(), {
        params,
        filters: activeFilters(app.db, query),
        categoryNames,
        list,
      })
      const link = String(reply.getHeader('link') ?? '')
      const alternate = `<${exportLinks(params).json}>; rel="alternate"; type="application/json"`
      reply.header('link', link ? `${link}, ${alternate}` : alternate)
      return reply.type(HTML).send(page.toString())
    },
  )
}

export default homePage
