# docker-resources-api: the Docker resources of Full Stack Python as a read-only JSON API.
#
#   docker build -t docker-resources-api \
#     --build-arg REVISION="$(git rev-parse HEAD)" --build-arg SOURCE=https://example.com/repo .
#   docker run --rm -p 3000:3000 --read-only --cap-drop ALL \
#     --security-opt no-new-privileges docker-resources-api
#
# Stages: deps (every dependency, compiled; the SBOM) -> build (tsc, the two bundles,
# the seed: the database is baked in); prod-deps (runtime dependencies only, and of
# them what the bundles need) -> runtime (Debian slim with Node 24's binary and
# nothing else from the node image: no npm, corepack, yarn or headers).
# scripts/container-test.sh proves the result; docs/operations-runtime.md explains it.
# Kept to syntax that both BuildKit and buildah build (no heredocs, no COPY --link).

# ---- deps: all dependencies; better-sqlite3 compiles here ----------------------------
# The full image has python3, make and g++ for node-gyp; the slim one has none.
FROM node:24-bookworm AS deps
WORKDIR /app
# Only the package files first: this layer, the slowest, is rebuilt only when the
# dependencies change, not on every source edit.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
# The SBOM: every production dependency with version, license, hash and purl
# (CycloneDX JSON). Here, from the whole tree: npm sbom refuses a tree installed
# with --omit=dev (it reports the dev dependencies as missing).
RUN npm sbom --omit=dev --sbom-format=cyclonedx --sbom-type=application > /sbom.cdx.json

# ---- build: compile the TypeScript, bundle server and seed, seed the database --------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY migrations ./migrations
COPY seed ./seed
COPY src ./src
COPY scripts/bundle.ts ./scripts/
# tsc type-checks (and writes dist/src, which the image does not need); bundle.ts
# writes dist/server.mjs (the starter), dist/server.cjs (the server), dist/chunks/,
# dist/seed.mjs and dist/bundle-contents.json. The bundled
# seed reads seed/ and migrations/ and writes the database the image serves read-only.
RUN npm run build \
 && DATABASE_PATH=/app/data/resources.db node dist/seed.mjs \
 && test -s /app/data/resources.db

# ---- prod-deps: runtime dependencies only, compiled against the same node ------------
# Its own `npm ci` rather than pruning deps: no dev tooling can leak into the image, and
# it runs in parallel with deps/build.
FROM node:24-bookworm AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
# Of better-sqlite3 only the compiled addon is needed at run time: its C sources, object
# files and static library are ~25 MB of build leftovers.
RUN cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv better_sqlite3.node build/Release/
# The bundles carry most packages inside: keep whole only what they import (the addon,
# the docs page's assets) and what that needs, and of the rest their package.json, so
# image scanners still see every package the image runs (scripts/runtime-modules.ts).
COPY scripts/runtime-modules.ts ./scripts/
COPY --from=build /app/dist/bundle-contents.json ./dist/
RUN node scripts/runtime-modules.ts /app dist/bundle-contents.json /runtime

# ---- runtime -------------------------------------------------------------------------
# node:24-bookworm-slim is debian:bookworm-slim plus the node binary, npm, corepack,
# yarn and C headers; production needs only the binary (~32 MB less, and no package
# manager for a scanner to flag or an intruder to use). Same Debian, same Node build.
FROM debian:bookworm-slim AS runtime
COPY --from=node:24-bookworm-slim /usr/local/bin/node /usr/local/bin/node
# The official images' unprivileged user, uid/gid 1000.
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# V8 sizes its heap by itself from the memory it sees, but never below ~256 MB of old
# generation: too much for a 128 MiB container, where the heap would grow past the
# limit before collecting harder. 64 MB is three times the live heap under load
# (docs/operations-runtime.md has the measurements). Replace NODE_OPTIONS to change it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=64 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/app/data/resources.db
WORKDIR /app
# Least often changed first. Everything stays owned by root, so the app (uid 1000)
# can read its code and database but never change them, even without --read-only.
COPY --from=prod-deps /runtime/node_modules ./node_modules
COPY --from=deps /sbom.cdx.json ./sbom.cdx.json
# package.json marks dist/ as ES modules and is how the code finds its project root.
# The server reads migrations/meta to refuse a database from a newer schema; the seed
# (node dist/seed.mjs, to build a database from another page) reads seed/ and
# migrations/.
COPY package.json ./
COPY migrations ./migrations
COPY seed/docker.markdown seed/docker.categories.json ./seed/
# The catalog page's script, stylesheet and icon, read (and hashed) at start-up.
COPY src/public ./src/public
# The bundles (server.mjs and the server.cjs it runs, seed.mjs), the chunks the
# server loads only when first asked for (the OpenAPI document, /docs, the catalog
# page's files), and the license notices of the dependencies they carry inside
# (*.LEGAL.txt, written by bundle.ts for any that has).
COPY --from=build /app/dist/*.mjs /app/dist/*.cjs /app/dist/*.LEGAL.txt ./dist/
COPY --from=build /app/dist/chunks ./dist/chunks
COPY --from=build /app/data/resources.db ./data/resources.db

# V8's compiled code, kept in the image so a start reuses it instead of compiling
# again: Node's compile cache (Node 22+) for server.mjs and the chunks, and, written
# by server.mjs (src/start.ts) when this first run exits, a code cache of server.cjs
# that holds every function the start and its first answer ran (Node 24, pinned to
# one core, median of 21 starts: 266 -> 229 ms to the first 200, bare Fastify 219;
# docs/performance.md). The server is started once here to write them, as the user
# it runs as (Node keeps a cache per uid) and with the image's NODE_OPTIONS (V8
# checks its flags), then the cache is handed to root like everything else: at run
# time it is only read, which works with a read-only root filesystem. Other flags or
# another uid find no cache of theirs and start as before.
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN install -d -o node -g node .compile-cache
USER node
RUN PORT=3999 METRICS_PORT=0 LOG_LEVEL=warn node dist/server.mjs & \
    node -e 'const u="http://127.0.0.1:3999/v1/resources"; (async () => { for (let i = 0; i < 600; i++) { if (await fetch(u).then((r) => r.ok, () => false)) return; await new Promise((r) => setTimeout(r, 50)) } process.exit(1) })()' \
 && kill -INT $! && wait $!
USER root
RUN chown -R root:root .compile-cache && chmod -R a+rX,go-w .compile-cache

USER node
EXPOSE 3000
# No curl in the slim image, and a check must not start a second Node (~25 MB more,
# every 10 s, inside the container's memory limit: enough to get a 128 MiB container
# OOM-killed under load). bash's /dev/tcp asks the app itself whether it can serve.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3000} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == 'HTTP/1.1 200 '* ]]"]
# node itself as PID 1 (no npm or shell in between), so `docker stop`'s SIGTERM reaches
# the server's graceful close.
CMD ["node", "dist/server.mjs"]

# Last, so a new version, commit or source URL only changes metadata, not cached layers.
ARG VERSION=1.0.0
ARG REVISION=""
ARG SOURCE=""
LABEL org.opencontainers.image.title="docker-resources-api" \
      org.opencontainers.image.description="The curated Docker learning resources of Full Stack Python, as a filterable, searchable JSON API." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
