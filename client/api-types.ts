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
         * Readiness: the database is open and holds resources
         * @description Answers 200 with the resource count once the database can be read and holds resources, 503 problem (code not_ready) otherwise: for readiness probes and load balancers. Never rate-limited, cached or logged.
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
         * @description Filters combine with AND; several values of one filter (comma-separated) combine with OR. Paginate with limit and offset, or follow links.next (keyset cursor).
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
            /** @description Present on search results (q) */
            match?: components["schemas"]["SearchMatch"];
        };
        FacetCount: {
            value: string;
            name: string;
            count: number;
        };
        /** @description Relative URLs of this and neighbouring pages; next carries a cursor */
        PageLinks: {
            self: string;
            first: string;
            last: string;
            next: string | null;
            prev: string | null;
        };
        /** @description One page of resources, with totals, facets and links */
        ResourceList: {
            data: components["schemas"]["Resource"][];
            meta: {
                /** @description Resources matching the filters, across all pages */
                total: number;
                limit: number;
                /** @description Index of the first returned resource among all matches */
                offset: number;
                /** @description Pass as cursor to get the page after this one */
                nextCursor: string | null;
                /** @description Counts over the resources that match every other filter */
                facets: {
                    category: components["schemas"]["FacetCount"][];
                    /** @description The most frequent tags, at most 50 */
                    tag: components["schemas"]["FacetCount"][];
                };
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
export type SearchMatch = components['schemas']['SearchMatch'];
export type Resource = components['schemas']['Resource'];
export type FacetCount = components['schemas']['FacetCount'];
export type PageLinks = components['schemas']['PageLinks'];
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
                /** @description Full-text search over title, description and tags; the last word matches as a prefix. Plain words only: operators and punctuation are ignored */
                q?: string;
                /** @description position (default), -position, title, -title, or relevance (default when q is given) */
                sort?: "position" | "-position" | "title" | "-title" | "relevance";
                /** @description Page size, 1 to 100 (default 20) */
                limit?: number;
                /** @description Skip this many results (default 0) */
                offset?: number;
                /** @description Opaque keyset cursor from links.next or meta.nextCursor; deep pages cost the same as the first */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of resources, with totals, facets and links */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceList"];
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
    getResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One learning resource from the page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Resource"];
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
                /** @description Full-text search over title, description and tags; the last word matches as a prefix. Plain words only: operators and punctuation are ignored */
                q?: string;
                /** @description position (default), -position, title, -title, or relevance (default when q is given) */
                sort?: "position" | "-position" | "title" | "-title" | "relevance";
                /** @description Page size, 1 to 100 (default 20) */
                limit?: number;
                /** @description Skip this many results (default 0) */
                offset?: number;
                /** @description Opaque keyset cursor from links.next or meta.nextCursor; deep pages cost the same as the first */
                cursor?: string;
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
            /** @description One page of resources, with totals, facets and links */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceList"];
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
}
