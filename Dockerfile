# docker-resources-api: the Docker resources of Full Stack Python as a read-only JSON API.
#
#   docker build -t docker-resources-api .
#   docker run --rm -p 3000:3000 --read-only --cap-drop ALL \
#     --security-opt no-new-privileges docker-resources-api
#
# Stages: deps (every dependency, compiled) -> build (tsc + seed: the database is baked
# in) and, independently, prod-deps (runtime dependencies only) -> runtime (slim, no
# compiler, no npm in front of node). scripts/container-test.sh proves the result.
# Kept to syntax that both BuildKit and buildah build (no heredocs, no COPY --link).

# ---- deps: all dependencies; better-sqlite3 compiles here ----------------------------
# The full image has python3, make and g++ for node-gyp; the slim one has none.
FROM node:20-bookworm AS deps
WORKDIR /app
# Only the package files first: this layer, the slowest, is rebuilt only when the
# dependencies change, not on every source edit.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# ---- build: compile the TypeScript, bundle the server, seed the database from the page
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY migrations ./migrations
COPY seed ./seed
COPY src ./src
COPY scripts/bundle.ts ./scripts/
# The seed reads seed/docker.markdown, seed/docker.categories.json and migrations/, and
# writes the database the runtime image serves read-only.
RUN npm run build \
 && DATABASE_PATH=/app/data/resources.db node dist/seed/seed.js \
 && test -s /app/data/resources.db

# ---- prod-deps: runtime dependencies only, compiled against the same node ------------
# Its own `npm ci` rather than pruning deps: no dev tooling can leak into the image, and
# BuildKit runs this stage in parallel with deps/build.
FROM node:20-bookworm AS prod-deps
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

# ---- runtime ------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/app/data/resources.db
WORKDIR /app
# Least often changed first. Everything stays owned by root, so the app (uid 1000)
# can read its code and database but never change them, even without --read-only.
COPY --from=prod-deps /app/node_modules ./node_modules
# package.json marks dist/ as ES modules and is how the code finds its project root.
COPY package.json ./
COPY migrations ./migrations
COPY seed/docker.markdown seed/docker.categories.json ./seed/
# The catalog page's script, stylesheet and icon, read (and hashed) at start-up.
COPY src/public ./src/public
COPY --from=build /app/dist ./dist
COPY --from=build /app/data/resources.db ./data/resources.db

USER node
EXPOSE 3000
# No curl in the slim image: node's fetch asks the app itself whether it can serve.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself as PID 1 (no npm or shell in between), so `docker stop`'s SIGTERM reaches
# the server's graceful close.
CMD ["node", "dist/server.mjs"]

# Last, so a new version or source URL only changes metadata, not cached layers.
ARG VERSION=1.0.0
ARG SOURCE=""
LABEL org.opencontainers.image.title="docker-resources-api" \
      org.opencontainers.image.description="The curated Docker learning resources of Full Stack Python, as a filterable, searchable JSON API." \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
