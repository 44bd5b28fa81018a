import { type Html, html, httpUrl } from './html.js'

/** What every page of the catalog shows whatever the request: its assets and the dataset. */
export type SiteContext = {
  /** Hashed URLs of the one script, the stylesheet and the icon. */
  assets: { script: string; style: string; icon: string }
  dataset: { sourceHash: string; seededAt: string; resources: number } | null
  /** The pages the resources were read from, on the site they come from. */
  sources: { url: string; label: string }[]
}

export const SITE_NAME = 'Docker resources'

function datasetLine(context: SiteContext): Html {
  const { dataset, sources } = context
  if (dataset === null) return html``
  const seeded = new Date(dataset.seededAt)
  const when = Number.isNaN(seeded.getTime())
    ? dataset.seededAt
    : `${seeded.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const links = sources.map((source, index) => {
    const url = httpUrl(source.url)
    return html`${index > 0 ? ', ' : ''}${url ? html`<a href="${url}">${source.label}</a>` : source.label}`
  })
  return html`<p>
        Dataset <code title="${dataset.sourceHash}">${dataset.sourceHash.slice(0, 12)}</code>,
        built <time datetime="${dataset.seededAt}">${when}</time>${
          sources.length > 0 ? html` from ${links}` : ''
        }.
      </p>`
}

/** The document around a page's main content: head, skip link, header and footer. */
export function layout(
  context: SiteContext,
  page: { title: string; description?: string; head?: Html; main: Html },
): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${page.title}</title>
    ${page.description ? html`<meta name="description" content="${page.description}">` : ''}
    <meta name="color-scheme" content="light dark">
    <link rel="stylesheet" href="${context.assets.style}">
    <link rel="icon" type="image/svg+xml" href="${context.assets.icon}">
    ${page.head}
    <script type="module" src="${context.assets.script}"></script>
  </head>
  <body>
    <a class="skip-link" href="#results">Skip to results</a>
    <header class="site-header">
      <p class="brand"><a href="/">${SITE_NAME}</a></p>
      <p class="tagline">Curated Docker learning resources from Full Stack Python</p>
    </header>
    <main id="main">
${page.main}
    </main>
    <footer class="site-footer">
      ${datasetLine(context)}
      <p><a href="/docs">API documentation</a> · <a href="/v1">JSON API</a> · <a href="/openapi.json">OpenAPI</a></p>
    </footer>
  </body>
</html>
`
}
