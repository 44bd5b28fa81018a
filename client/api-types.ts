// Generated from openapi.yaml by `npm run client` (openapi-typescript). Do not edit:
// change the routes or schemas, then run `npm run openapi && npm run client`.

export interface paths {
    "/v1": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What this API serves, and where
         * @description The entry point: the API name and version, the dataset being served (source hash, when it was seeded, counts) and the URLs of the other endpoints.
         */
        get: operations["getApiIndex"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process is up
         * @description Answers 200 while the process runs, without touching the database: for liveness probes. Never rate-limited, cached or logged.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the database is open and holds resources, and the server is not shutting down
         * @description Answers 200 with the resource count once the database can be read and holds resources; 503 problem otherwise (code not_ready), and from SIGTERM until the server closes (code shutting_down), so load balancers stop sending before the port closes. For readiness probes and load balancers; never rate-limited, cached or logged.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List, filter and search resources
         * @description Filters combine with AND; several values of one filter (comma-separated) combine with OR. Paginate with limit and offset, or follow links.next (keyset cursor). A search that finds nothing is retried with its typos corrected (meta.correctedQuery). fields= trims each resource; format= (or Accept) exports every matching row as CSV, NDJSON or Markdown.
         */
        get: operations["listResources"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One resource by id
         * @description The resource with this id. Ids are stable: made from the normalized URL alone, so reordering or retitling the page never changes them. 404 when no resource has the id.
         */
        get: operations["getResource"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * All categories, in page order, with resource counts
         * @description Every section of the page, in page order, each with how many resources it holds.
         */
        get: operations["listCategories"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/categories/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One category
         * @description A category by slug or display name, forgiving case, spaces and underscores (general, "Python images", python_specific). 404 lists the valid slugs.
         */
        get: operations["getCategory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/categories/{slug}/resources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A category's resources
         * @description The resource list with the category fixed; takes every other parameter of /v1/resources.
         */
        get: operations["listCategoryResources"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * All tags with resource counts, most used first
         * @description Every tag with how many resources carry it, most used first (ties by slug). Filter resources with tag=.
         */
        get: operations["listTags"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Link health of the whole dataset
         * @description Counts by status, the oldest and newest check, and the resources whose link is not ok (or has the statuses given), in page order with their line on the page.
         */
        get: operations["getLinkHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A section of the page */
        Category: {
            slug: string;
            name: string;
            /** @description The heading on the page; null for the introduction */
            heading: string | null;
            position: number;
            /** @description Resources in this category */
            count: number;
        };
        /** @description Categories in page order */
        CategoryList: {
            data: components["schemas"]["Category"][];
        };
        /** @description A technology resources are tagged with */
        Tag: {
            slug: string;
            /** @description Display name, e.g. PostgreSQL */
            name: string;
            /** @description Resources with this tag */
            count: number;
        };
        /** @description Tags, most used first */
        TagList: {
            data: components["schemas"]["Tag"][];
        };
        /** @description The dataset the server is serving */
        Dataset: {
            /** @description SHA-256 of the seed sources the database was built from */
            sourceHash: string;
            /** @description When the database was built (ISO 8601) */
            seededAt: string;
            resources: number;
            categories: number;
            tags: number;
        };
        /** @description Name, version, dataset and entry points of the API */
        ApiIndex: {
            name: string;
            version: string;
            description: string;
            dataset: components["schemas"]["Dataset"];
            links: {
                [key: string]: string;
            };
        };
        /** @description Alive */
        Health: {
            /** @constant */
            status: "ok";
        };
        /** @description Ready to serve */
        Ready: {
            /** @constant */
            status: "ready";
            resources: number;
        };
        ParamError: {
            /** @description The query or path parameter at fault */
            param: string;
            message: string;
            /** @description The values or names that would have been accepted */
            allowed?: string[];
        };
        /** @description RFC 9457 problem details (media type application/problem+json) */
        Problem: {
            /** @description A URI identifying the problem type; about:blank means the HTTP status says it all */
            type: string;
            /** @description Short summary of the problem type */
            title: string;
            /** @description The HTTP status code */
            status: number;
            /** @description What went wrong with this request, for a person to read */
            detail: string;
            /** @description The request path */
            instance?: string;
            /** @description A stable machine-readable code, e.g. unknown_parameter */
            code?: string;
            /** @description One entry per invalid parameter */
            errors?: components["schemas"]["ParamError"][];
        };
        /** @description Relative URLs of this and neighbouring pages (on resource lists, next carries a cursor) */
        PageLinks: {
            self: string;
            first: string;
            /** @description The page holding the last results; null when meta.total is an estimate (totalIsEstimate) */
            last: string | null;
            next: string | null;
            prev: string | null;
        };
        /** @description The health of the resource's url when the link checker last ran (npm run check-links) */
        LinkHealth: {
            /**
             * @description ok: answered 2xx directly, or after hops that only add https, www. or a trailing slash. redirected: answered 2xx after other redirects (see finalUrl and permanent). broken: gone: 404, 410 or another 4xx, a name that does not resolve, a TLS failure, a redirect loop. blocked: the site refused the checker (401, 403, 429, a bot challenge); the page may well work in a browser. unreachable: timed out, refused or answered 5xx; possibly temporary, see consecutiveFailures. unchecked: not checked yet, or excluded from checking.
             * @enum {string}
             */
            status: "ok" | "redirected" | "broken" | "blocked" | "unreachable" | "unchecked";
            /** @description The last HTTP status received; null when unchecked or when no answer came (DNS, TLS, timeout) */
            httpStatus: number | null;
            /** @description Where the redirects ended; null when the URL answered without redirecting */
            finalUrl: string | null;
            /** @description A redirect on the way was permanent (301 or 308): the page has moved for good */
            permanent: boolean;
            /** @description Answered 2xx but looks like a "not found" page (a deep link that ends on the home page, or a title saying 404). A hint for the curator; the status stays as it is */
            suspectSoft404: boolean;
            /** @description The nearest Wayback Machine snapshot of a broken or blocked link; null when none was found or looked up */
            archiveUrl: string | null;
            /** @description When the link was last checked (ISO 8601, UTC); null when never */
            checkedAt: string | null;
            /** @description Checks in a row that failed: 1 may be a blip, several a dead site. 0 when the last check succeeded or none ran */
            consecutiveFailures: number;
        };
        /** @description A resource whose link needs attention, and where it is on the page */
        LinkReportItem: {
            /** @description Resource id */
            id: string;
            title: string;
            /** @description The URL as written on the page */
            url: string;
            /** @description Category slug */
            category: string;
            /** @description Where the item is on the page */
            source: {
                /** @description Slug of the page the resource was read from */
                page: string;
                /** @description Heading the item sits under; null for the introduction */
                section: string | null;
                /** @description 1-based line of the item in the page */
                line: number;
            };
            link: components["schemas"]["LinkHealth"];
        };
        /** @description The link health of the whole dataset, and the resources that need attention */
        LinkReport: {
            /** @description Resources by link status: all six, zeros included */
            counts: {
                ok: number;
                redirected: number;
                broken: number;
                blocked: number;
                unreachable: number;
                unchecked: number;
            };
            /** @description When the links were checked */
            checkedAt: {
                /** @description The oldest check (ISO 8601, UTC); null when nothing was checked */
                oldest: string | null;
                /** @description The newest check; null when nothing was checked */
                newest: string | null;
            };
            /** @description Resources with the chosen statuses, in page order */
            data: components["schemas"]["LinkReportItem"][];
            meta: {
                /** @description Resources with the chosen statuses, across all pages */
                total: number;
                limit: number;
                offset: number;
                /** @description The statuses listed in data */
                statuses: ("ok" | "redirected" | "broken" | "blocked" | "unreachable" | "unchecked")[];
            };
            links: components["schemas"]["PageLinks"];
        };
        SearchMatch: {
            /** @description BM25 relevance; higher is better. Comparable within one search only */
            score: number;
            /** @description The title, HTML-escaped, with matched words wrapped in <mark> */
            title: string;
            /** @description An excerpt of the description, HTML-escaped, matched words in <mark> */
            snippet: string;
        };
        /** @description One learning resource from the page */
        Resource: {
            id: string;
            title: string;
            url: string;
            description: string;
            /** @description Category slug, e.g. general */
            category: string;
            /** @description Tag slugs, sorted */
            tags: string[];
            /** @description Host name of url, without www. */
            host: string;
            links: {
                title: string;
                url: string;
            }[];
            /** @description 1-based order on the page: the curated order */
            position: number;
            source: {
                /** @description Slug of the page the resource was read from */
                page: string;
                /** @description Heading the item sits under; null for the introduction */
                section: string | null;
                /** @description 1-based line of the item in the page */
                line: number;
            };
            link: components["schemas"]["LinkHealth"];
            /** @description Present on search results (q) */
            match?: components["schemas"]["SearchMatch"];
        };
        /** @description A resource with only the fields named in fields= (id always), in the usual order */
        ResourceFields: {
            id: string;
            title?: string;
            url?: string;
            description?: string;
            /** @description Category slug, e.g. general */
            category?: string;
            /** @description Tag slugs, sorted */
            tags?: string[];
            /** @description Host name of url, without www. */
            host?: string;
            links?: {
                title: string;
                url: string;
            }[];
            /** @description 1-based order on the page: the curated order */
            position?: number;
            source?: {
                /** @description Slug of the page the resource was read from */
                page: string;
                /** @description Heading the item sits under; null for the introduction */
                section: string | null;
                /** @description 1-based line of the item in the page */
                line: number;
            };
            link?: components["schemas"]["LinkHealth"];
            /** @description Present on search results (q) */
            match?: components["schemas"]["SearchMatch"];
        };
        FacetCount: {
            value: string;
            name: string;
            count: number;
        };
        /** @description One page of resources, with totals, facets and links */
        ResourceList: {
            data: (components["schemas"]["Resource"] | components["schemas"]["ResourceFields"])[];
            meta: {
                /** @description Resources matching the filters, across all pages: exact, or an estimate when totalIsEstimate is true */
                total: number;
                /** @description true when q matches more than 1,000 resources: total and every facet count are then estimated from a sample of about 1,000 of the matches (total is exact when q is the only filter, or when fewer than 100 sampled matches pass the other filters), links.last is null and X-Total-Count is not sent. Pages and cursors still reach every match, in exact order. false otherwise: every count is exact */
                totalIsEstimate: boolean;
                limit: number;
                /** @description Index of the first returned resource among all matches */
                offset: number;
                /** @description Pass as cursor to get the page after this one */
                nextCursor: string | null;
                /** @description Counts over the resources that match every other filter; estimates when totalIsEstimate is true (a value no sampled match has is left out) */
                facets: {
                    category: components["schemas"]["FacetCount"][];
                    /** @description The most frequent tags, at most 50 */
                    tag: components["schemas"]["FacetCount"][];
                    /** @description Resources by link status: always the six statuses, in a fixed order, zeros included */
                    link: components["schemas"]["FacetCount"][];
                };
                /** @description When q found nothing and was answered with its typos corrected: the query that was run (a q of its own). null otherwise */
                correctedQuery: string | null;
            };
            links: components["schemas"]["PageLinks"];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type Category = components['schemas']['Category'];
export type CategoryList = components['schemas']['CategoryList'];
export type Tag = components['schemas']['Tag'];
export type TagList = components['schemas']['TagList'];
export type Dataset = components['schemas']['Dataset'];
export type ApiIndex = components['schemas']['ApiIndex'];
export type Health = components['schemas']['Health'];
export type Ready = components['schemas']['Ready'];
export type ParamError = components['schemas']['ParamError'];
export type Problem = components['schemas']['Problem'];
export type PageLinks = components['schemas']['PageLinks'];
export type LinkHealth = components['schemas']['LinkHealth'];
export type LinkReportItem = components['schemas']['LinkReportItem'];
export type LinkReport = components['schemas']['LinkReport'];
export type SearchMatch = components['schemas']['SearchMatch'];
export type Resource = components['schemas']['Resource'];
export type ResourceFields = components['schemas']['ResourceFields'];
export type FacetCount = components['schemas']['FacetCount'];
export type ResourceList = components['schemas']['ResourceList'];
export type $defs = Record<string, never>;
export interface operations {
    getApiIndex: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Name, version, dataset and entry points of the API */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiIndex"];
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
            /** @description Not ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listResources: {
        parameters: {
            query?: {
                /** @description Category slugs or names (any case, spaces or underscores), comma-separated: any of them */
                category?: string[];
                /** @description Tag slugs or names, comma-separated: resources with any of them */
                tag?: string[];
                /** @description Host names (www. ignored), comma-separated */
                host?: string[];
                /** @description Link statuses (ok, redirected, broken, blocked, unreachable, unchecked), comma-separated: resources whose link has any of them */
                link?: string[];
                /** @description Full-text search over title, description and tags; the last word matches as a prefix. Plain words only: operators and punctuation are ignored */
                q?: string;
                /** @description true (default): when q finds nothing, search again with each word corrected to the index vocabulary (meta.correctedQuery says so); false: never */
                typos?: "true" | "false";
                /** @description position (default), -position, title, -title, or relevance (default when q is given) */
                sort?: "position" | "-position" | "title" | "-title" | "relevance";
                /** @description Page size, 1 to 100 (default 20) */
                limit?: number;
                /** @description Skip this many results (default 0) */
                offset?: number;
                /** @description Opaque keyset cursor from links.next or meta.nextCursor; deep pages cost the same as the first */
                cursor?: string;
                /** @description Only these fields of each resource, comma-separated (id is always included): id, title, url, description, category, tags, host, links, position, source, link, match */
                fields?: string[];
                /** @description json, or an export of every matching row: csv, ndjson, markdown (limit and cursor apply only when given). Without it, the Accept header chooses */
                format?: "json" | "csv" | "ndjson" | "markdown";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of resources (JSON), or every matching resource as CSV, NDJSON or Markdown (format= or Accept) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceList"];
                    "text/csv": string;
                    "application/x-ndjson": string;
                    "text/markdown": string;
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Accept header allows none of the media types a list is served in; they are listed */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many exports are streaming at once; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getResource: {
        parameters: {
            query?: {
                /** @description Only these fields of each resource, comma-separated (id is always included): id, title, url, description, category, tags, host, links, position, source, link, match */
                fields?: string[];
            };
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Resource"] | components["schemas"]["ResourceFields"];
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Categories in page order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CategoryList"];
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCategory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Category slug or display name, e.g. general or "Python images" */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A section of the page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Category"];
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCategoryResources: {
        parameters: {
            query?: {
                /** @description Tag slugs or names, comma-separated: resources with any of them */
                tag?: string[];
                /** @description Host names (www. ignored), comma-separated */
                host?: string[];
                /** @description Link statuses (ok, redirected, broken, blocked, unreachable, unchecked), comma-separated: resources whose link has any of them */
                link?: string[];
                /** @description Full-text search over title, description and tags; the last word matches as a prefix. Plain words only: operators and punctuation are ignored */
                q?: string;
                /** @description true (default): when q finds nothing, search again with each word corrected to the index vocabulary (meta.correctedQuery says so); false: never */
                typos?: "true" | "false";
                /** @description position (default), -position, title, -title, or relevance (default when q is given) */
                sort?: "position" | "-position" | "title" | "-title" | "relevance";
                /** @description Page size, 1 to 100 (default 20) */
                limit?: number;
                /** @description Skip this many results (default 0) */
                offset?: number;
                /** @description Opaque keyset cursor from links.next or meta.nextCursor; deep pages cost the same as the first */
                cursor?: string;
                /** @description Only these fields of each resource, comma-separated (id is always included): id, title, url, description, category, tags, host, links, position, source, link, match */
                fields?: string[];
                /** @description json, or an export of every matching row: csv, ndjson, markdown (limit and cursor apply only when given). Without it, the Accept header chooses */
                format?: "json" | "csv" | "ndjson" | "markdown";
            };
            header?: never;
            path: {
                /** @description Category slug or display name, e.g. general or "Python images" */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of resources (JSON), or every matching resource as CSV, NDJSON or Markdown (format= or Accept) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceList"];
                    "text/csv": string;
                    "application/x-ndjson": string;
                    "text/markdown": string;
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Accept header allows none of the media types a list is served in; they are listed */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many exports are streaming at once; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTags: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tags, most used first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagList"];
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getLinkHealth: {
        parameters: {
            query?: {
                /** @description Which statuses to list in data, comma-separated (ok, redirected, broken, blocked, unreachable, unchecked); default: every status but ok */
                status?: string[];
                /** @description Page size, 1 to 100 (default 100) */
                limit?: number;
                /** @description Skip this many resources (default 0) */
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The link health of the whole dataset, and the resources that need attention */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LinkReport"];
                };
            };
            /** @description Invalid parameters: the problem names each one and what is allowed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, e.g. 429 over the rate limit, 503 overloaded or 500 */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
