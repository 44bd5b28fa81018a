#!/usr/bin/env bash
# Builds the image from ./Dockerfile and proves that it serves the same API as
# `npm start`, run the hardened way the README shows: read-only root filesystem, no
# capabilities, no new privileges, as uid 1000, healthy, and independent of the
# network. Then what an operator checks before deploying it: the image's size against
# its base, its SBOM and labels, no package manager inside; on SIGTERM /readyz turns
# 503 while the API still answers, then it exits 0; and under --memory 128m it serves
# the stress mix (100 connections, 60 s) without being OOM-killed. Prints and saves
# the figures.
#
#   bash scripts/container-test.sh                     # podman (via the stand-in if present)
#   CONTAINER=docker bash scripts/container-test.sh    # a real Docker engine
#
# Environment:
#   CONTAINER  podman (default) or docker
#   STANDIN    container-standin.sh (default ../shared/tools/ beside this repository);
#              with podman it builds the node base images locally, and runs the checks
#   STANDIN_NODE  Node release of the stand-in images (default: .nvmrc's major)
#   IMAGE      tag to build (default docker-resources-api:test)
#   RESULT     where to write the measurements (default /tmp/container-test-result.json)
#   MEMORY_LOAD_SECONDS  length of the load under 128 MiB (default 60)
#
# Not part of `npm test`: it needs a container engine (podman as root, or docker),
# and the dev dependencies (npm ci) for the load generator.
# shellcheck disable=SC2016  # the JavaScript in single quotes is meant for node, not bash
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONTAINER=${CONTAINER:-podman}
STANDIN=${STANDIN:-$(dirname "$0")/../../shared/tools/container-standin.sh}
IMAGE=${IMAGE:-docker-resources-api:test}
RESULT=${RESULT:-/tmp/container-test-result.json}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900}   # seconds; a cold build compiles better-sqlite3 twice
READY_TIMEOUT_MS=30000                # run -> first 200
HEALTH_TIMEOUT=60                     # seconds; the image checks every 10 s
SHUTDOWN_DELAY_MS=3000                # the server's default: /readyz 503, still serving
STOP_LIMIT_MS=$((SHUTDOWN_DELAY_MS + 3000))   # well inside docker stop's 10 s
MEMORY_LIMIT=128m
MEMORY_LOAD_SECONDS=${MEMORY_LOAD_SECONDS:-60}
NODE_MAJOR=$(cat "$(dirname "$0")/../.nvmrc")

# The flags the README recommends; the container must work with all of them.
HARDEN=(--read-only --cap-drop ALL --security-opt no-new-privileges)
NAME=drapi-test-$$
NAME_OFFLINE=drapi-test-offline-$$
NAME_MEMORY=drapi-test-memory-$$
NAMES=("$NAME" "$NAME_OFFLINE" "$NAME_MEMORY")

step() { printf '\n==> %s\n' "$*"; }
ok() { printf '  ok    %s\n' "$*"; }
die() { printf '\ncontainer-test: FAIL: %s\n' "$*" >&2; exit 1; }
# Wall-clock ms without spawning a process (bash 5), so it does not inflate timings.
now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); else node -p 'Date.now()'; fi
}

command -v node >/dev/null || die "node is needed on the host (to parse JSON and pick a free port)"
[ -x "$ROOT/node_modules/.bin/tsx" ] || die "the load generator needs the dev dependencies: run npm ci first"
VERSION=$(node -p "require('$ROOT/package.json').version")
REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || true)
[ -n "$REVISION" ] || die "no git commit to label the image with: run this in a git checkout"
# Where the source lives, as this checkout knows it: its origin's URL, or the
# checkout itself when it has none. A release build passes the public URL.
SOURCE=$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)
case $SOURCE in
  '') SOURCE=file://$ROOT ;;
  /*) SOURCE=file://$SOURCE ;;
esac
BUILD_ARGS=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" --build-arg "SOURCE=$SOURCE")

# ---- engine ----------------------------------------------------------------------------
case $CONTAINER in
  podman)
    # podman's --read-only also mounts tmpfs on /tmp, /run and /var/tmp; Docker's does
    # not. Turn that off so the test proves what `docker run --read-only` would do.
    HARDEN+=(--read-only-tmpfs=false)
    export DISABLE_HC_SYSTEMD=true   # no systemd here: silences podman's healthcheck-timer noise
    if [ -f "$STANDIN" ]; then
      [ "$(id -u)" -eq 0 ] || die "the podman stand-in needs root (rootful podman storage): run this as root"
      # The stand-in's node images carry the Node release the Dockerfile names.
      export STANDIN_NODE=${STANDIN_NODE:-$NODE_MAJOR}
      MODE="podman + $(basename "$STANDIN") (Node $STANDIN_NODE)"
      step "stand-in base images: STANDIN_NODE=$STANDIN_NODE $STANDIN setup"
      bash "$STANDIN" setup
      # --jobs 2: build the independent stages (deps/build, prod-deps) in parallel, as BuildKit does.
      # buildah 1.28 reuses a cached LABEL step when only the ARG values it expands
      # changed (a new commit, a clone from elsewhere): every label the ARGs set,
      # given as a label too, makes the step differ and rebuild.
      BUILD=(bash "$STANDIN" build "$ROOT" "$IMAGE" --jobs 2 "${BUILD_ARGS[@]}"
        --label "org.opencontainers.image.version=$VERSION"
        --label "org.opencontainers.image.revision=$REVISION"
        --label "org.opencontainers.image.source=$SOURCE")
      # The stand-in's run also schedules the HEALTHCHECK (podman needs systemd for that).
      run_container() { bash "$STANDIN" run "$@"; }
    elif command -v podman >/dev/null; then
      MODE=podman
      [ -d /run/systemd/system ] ||
        die "no stand-in at $STANDIN, and podman alone runs no HEALTHCHECKs without systemd: set STANDIN=/path/to/container-standin.sh, or use CONTAINER=docker"
      # --format docker: OCI images would silently drop the HEALTHCHECK.
      BUILD=(podman build --format docker -f "$ROOT/Dockerfile" -t "$IMAGE" "${BUILD_ARGS[@]}" "$ROOT")
      run_container() { podman run "$@"; }
    else
      die "CONTAINER=podman needs podman, or the stand-in at $STANDIN (set STANDIN=/path/to/container-standin.sh), run as root; or use CONTAINER=docker with a Docker engine"
    fi
    ;;
  docker)
    command -v docker >/dev/null || die "CONTAINER=docker but the docker CLI is not installed"
    docker info >/dev/null 2>&1 || die "CONTAINER=docker but no Docker engine answers (docker info failed)"
    MODE=docker
    BUILD=(docker build -t "$IMAGE" "${BUILD_ARGS[@]}" "$ROOT")
    run_container() { docker run "$@"; }
    ;;
  *) die "CONTAINER must be podman or docker, not '$CONTAINER'" ;;
esac
engine() { "$CONTAINER" "$@"; }

cleanup() {
  local rc=$?
  [ -z "${SAMPLER:-}" ] || kill "$SAMPLER" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    for n in "${NAMES[@]}"; do
      engine container inspect "$n" >/dev/null 2>&1 || continue
      printf '\n--- logs of %s (last 40 lines) ---\n' "$n" >&2
      engine logs --tail 40 "$n" >&2 || true
    done
  fi
  # One at a time: podman 4.3's `rm -f A B` removes nothing when A is already gone.
  for n in "${NAMES[@]}"; do engine rm -f "$n" >/dev/null 2>&1 || true; done
  [ -z "${WORK:-}" ] || rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# check DESCRIPTION URL EXPR: GETs URL from the host and fails unless the JavaScript
# EXPR, over `res` (the fetch Response) and `body` (the parsed JSON), is true.
check() {
  node --input-type=module -e '
    const [desc, url, expr] = process.argv.slice(1)
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
    const text = await res.text()
    let body
    try { body = JSON.parse(text) } catch {}
    if (!new Function("res", "body", `return (${expr})`)(res, body)) {
      console.error(`  FAIL  ${desc}\n        GET ${url} -> ${res.status}: ${text.slice(0, 400)}`)
      process.exit(1)
    }
    console.log(`  ok    ${desc}`)
  ' "$@"
}

# wait_200 URL T0_MS: polls URL until it answers 200; prints the ms since T0_MS.
wait_200() {
  node --input-type=module -e '
    const [url, t0, limit] = process.argv.slice(1).map((v, i) => (i ? Number(v) : v))
    for (;;) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
        if (res.status === 200) break
      } catch {}
      if (Date.now() - t0 > limit) { console.error(`no 200 from ${url} within ${limit} ms`); process.exit(1) }
      await new Promise((r) => setTimeout(r, 20))
    }
    console.log(Date.now() - t0)
  ' "$1" "$2" "$READY_TIMEOUT_MS"
}

echo "container-test: $MODE, image $IMAGE (version $VERSION)"

# ---- 1. build ----------------------------------------------------------------------------
step "build $IMAGE from $ROOT/Dockerfile"
t=$SECONDS
timeout "$BUILD_TIMEOUT" "${BUILD[@]}" ||
  die "image build failed (or took over ${BUILD_TIMEOUT}s)"
BUILD_S=$((SECONDS - t))
# Decimal MB, as `docker images` shows them.
mb() { echo $((($1 + 500000) / 1000000)); }
label() { engine image inspect -f "{{index .Config.Labels \"$1\"}}" "$IMAGE"; }
ok "built in ${BUILD_S}s"

step "size, labels, SBOM, contents"
SIZE=$(engine image inspect -f '{{.Size}}' "$IMAGE")
# The image runs Node's binary from node:N-bookworm-slim on the Debian base that
# image is built on (its base.name label says which).
NODE_BASE=node:$NODE_MAJOR-bookworm-slim
OS_BASE=$(label org.opencontainers.image.base.name)
NODE_BASE_SIZE=$(engine image inspect -f '{{.Size}}' "$NODE_BASE" 2>/dev/null) ||
  die "cannot measure $NODE_BASE: pull it (or run the stand-in's setup) first"
OS_BASE_SIZE=$(engine image inspect -f '{{.Size}}' "$OS_BASE" 2>/dev/null) ||
  die "cannot measure $OS_BASE, the base the image names: pull it first"
diff_mb() { printf '%+d' $(($(mb "$1") - $(mb "$2"))); }
ok "image $(mb "$SIZE") MB: $(diff_mb "$SIZE" "$NODE_BASE_SIZE") MB against $NODE_BASE ($(mb "$NODE_BASE_SIZE") MB), $(diff_mb "$SIZE" "$OS_BASE_SIZE") MB against $OS_BASE ($(mb "$OS_BASE_SIZE") MB)"

[ "$(engine image inspect -f '{{.Config.User}}' "$IMAGE")" = node ] || die "the image does not switch to USER node"
[ "$(label org.opencontainers.image.version)" = "$VERSION" ] || die "label org.opencontainers.image.version is not $VERSION"
[ "$(label org.opencontainers.image.revision)" = "$REVISION" ] ||
  die "label org.opencontainers.image.revision is '$(label org.opencontainers.image.revision)', not the commit $REVISION"
[ "$(label org.opencontainers.image.source)" = "$SOURCE" ] || die "label org.opencontainers.image.source is not $SOURCE"
ok "USER node; OCI labels: version $VERSION, revision $REVISION, source $SOURCE"

# What runs, and what must not be there: Node from .nvmrc, no package manager.
CONTENTS=$(engine run --rm --network none "$IMAGE" node -e '
  const { execSync } = require("node:child_process")
  const which = (c) => { try { return execSync(`command -v ${c}`, { shell: "/bin/sh" }).toString().trim() } catch { return "" } }
  console.log(JSON.stringify({
    node: process.version,
    heapLimitMB: Math.round(require("v8").getHeapStatistics().heap_size_limit / 1048576),
    nodeOptions: process.env.NODE_OPTIONS ?? "",
    present: ["npm", "npx", "corepack", "yarn"].filter(which),
    distSrc: require("node:fs").existsSync("/app/dist/src"),
  }))')
node -e '
  const c = JSON.parse(process.argv[1]), major = process.argv[2]
  const fail = (m) => { console.error(`container-test: FAIL: ${m}`); process.exit(1) }
  if (!c.node.startsWith(`v${major}.`)) fail(`the image runs node ${c.node}, not ${major} (.nvmrc)`)
  if (c.present.length) fail(`the image carries ${c.present.join(", ")}: production needs no package manager`)
  if (c.distSrc) fail("the image carries dist/src: production runs the bundles")
  console.log(`  ok    node ${c.node}; no npm, npx, corepack or yarn; NODE_OPTIONS=${c.nodeOptions} (V8 heap limit ${c.heapLimitMB} MB without a memory limit)`)
' "$CONTENTS" "$NODE_MAJOR"

# The SBOM at its documented path: CycloneDX JSON naming every production dependency
# at its locked version, and no dev dependency.
WORK=$(mktemp -d)
engine create --name "$NAME" "$IMAGE" >/dev/null
engine cp "$NAME:/app/sbom.cdx.json" "$WORK/sbom.cdx.json" || die "no SBOM at /app/sbom.cdx.json"
engine rm "$NAME" >/dev/null
SBOM_SUMMARY=$(node -e '
  const fs = require("node:fs")
  const [file, root] = process.argv.slice(1)
  const fail = (m) => { console.error(`container-test: FAIL: SBOM: ${m}`); process.exit(1) }
  let sbom
  try { sbom = JSON.parse(fs.readFileSync(file, "utf8")) } catch (e) { fail(`not valid JSON: ${e.message}`) }
  if (sbom.bomFormat !== "CycloneDX" || !/^1\.\d+$/.test(sbom.specVersion)) fail(`not CycloneDX: ${sbom.bomFormat} ${sbom.specVersion}`)
  const pkg = JSON.parse(fs.readFileSync(`${root}/package.json`, "utf8"))
  const lock = JSON.parse(fs.readFileSync(`${root}/package-lock.json`, "utf8"))
  const listed = new Set(sbom.components.map((c) => `${c.name}@${c.version}`))
  for (const name of Object.keys(pkg.dependencies)) {
    const version = lock.packages[`node_modules/${name}`].version
    if (!listed.has(`${name}@${version}`)) fail(`${name}@${version} (a production dependency) is not listed`)
  }
  const dev = Object.keys(pkg.devDependencies).filter((name) => sbom.components.some((c) => c.name === name))
  if (dev.length) fail(`lists dev dependencies: ${dev.join(", ")}`)
  if (!sbom.components.every((c) => c.purl?.startsWith("pkg:npm/"))) fail("a component has no npm purl")
  console.log(`CycloneDX ${sbom.specVersion}, ${sbom.components.length} components`)
' "$WORK/sbom.cdx.json" "$ROOT") || exit 1
ok "SBOM /app/sbom.cdx.json: $SBOM_SUMMARY, every production dependency at its locked version, no dev dependency"

# ---- 2. run hardened, publish a port, check the API ------------------------------------------
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
step "run ${HARDEN[*]} -p 127.0.0.1:$PORT:3000"
T0=$(now_ms)
run_container -d --name "$NAME" "${HARDEN[@]}" -p "127.0.0.1:$PORT:3000" "$IMAGE" >/dev/null
FIRST_200_MS=$(wait_200 "$BASE/readyz" "$T0") || die "the API never answered 200 on /readyz"
ok "first 200 from /readyz ${FIRST_200_MS} ms after run"
check "GET /healthz: status ok" "$BASE/healthz" 'res.status === 200 && body?.status === "ok"'
check "GET /readyz: 200" "$BASE/readyz" 'res.status === 200'
check "GET /v1/resources?category=general: exactly 13 resources, meta.total 13, X-Request-Id" \
  "$BASE/v1/resources?category=general" \
  'res.status === 200 && Array.isArray(body?.data) && body.data.length === 13 && body.meta?.total === 13 && !!res.headers.get("x-request-id")'
check "GET /v1/resources?q=django: search hits" "$BASE/v1/resources?q=django" \
  'res.status === 200 && Array.isArray(body?.data) && body.data.length > 0'
# The server reads the page's assets from src/public at start-up: it would not be up without them.
check "GET /?q=django: the catalog page, as HTML" "$BASE/?q=django" \
  'res.status === 200 && res.headers.get("content-type") === "text/html; charset=utf-8"'

# The image carries Node's compile cache for the user and V8 flags it runs with
# (Dockerfile): a start read-only must find and accept it, or it compiles everything.
CACHE_LOG=$(run_container --rm "${HARDEN[@]}" -e NODE_DEBUG_NATIVE=COMPILE_CACHE -e METRICS_PORT=0 \
  "$IMAGE" timeout -s INT 5 node dist/server.mjs 2>&1 || true)
grep -q 'code cache for ESM file:///app/dist/server.mjs was accepted' <<<"$CACHE_LOG" ||
  die "the image's compile cache was not used for dist/server.mjs: $(grep -m 5 'compile cache' <<<"$CACHE_LOG")"
ok "the compile cache in the image is read (read-only) for dist/server.mjs and the modules it loads: $(grep -c 'was accepted' <<<"$CACHE_LOG") accepted"
# And the code cache of dist/server.cjs that server.mjs (src/start.ts) wrote when the
# build's run exited: one, for the image's Node, owned by root (read-only at run time).
V8_CACHE=$(run_container --rm "$IMAGE" sh -c 'ls -ln /app/.compile-cache/server.cjs-$(node -p "process.version + \"-\" + process.arch")-*.v8-cache' 2>&1 || true)
[ "$(grep -c '\.v8-cache$' <<<"$V8_CACHE")" = 1 ] && [ "$(awk '{ print $3 }' <<<"$V8_CACHE")" = 0 ] ||
  die "the image has no root-owned code cache for dist/server.cjs: $V8_CACHE"
ok "the image carries the code cache of dist/server.cjs: $(awk '{ print $5 }' <<<"$V8_CACHE") bytes"

# ---- 3. user, health, graceful stop ------------------------------------------------------------
step "process identity, health check, stop"
PROC=$(engine exec "$NAME" cat /proc/1/status)
UID_1=$(awk '/^Uid:/ { print $2 }' <<<"$PROC")   # real uid of PID 1, not of the exec
# The command line, not the Name: line: Node 24 renames its main thread MainThread.
COMM=$(engine exec "$NAME" sh -c 'tr "\0" " " < /proc/1/cmdline')
COMM=${COMM% }
[ "$UID_1" = 1000 ] || die "PID 1 runs as uid $UID_1, not 1000"
[ "$COMM" = "node dist/server.mjs" ] || die "PID 1 is '$COMM', not node dist/server.mjs: SIGTERM would not reach the server"
ok "PID 1 is node dist/server.mjs, uid 1000"

t=$SECONDS
until [ "$(engine inspect -f '{{.State.Health.Status}}' "$NAME")" = healthy ]; do
  status=$(engine inspect -f '{{.State.Health.Status}}' "$NAME")
  [ "$status" != unhealthy ] || die "the health check reports unhealthy: $(engine inspect -f '{{json .State.Health}}' "$NAME")"
  [ $((SECONDS - t)) -lt "$HEALTH_TIMEOUT" ] || die "not healthy after ${HEALTH_TIMEOUT}s (status: $status)"
  sleep 1
done
HEALTHY_S=$((SECONDS - t))
ok "health check: healthy (after ~${HEALTHY_S}s of waiting)"

# docker stop sends SIGTERM: for SHUTDOWN_DELAY_MS /readyz says 503, so a balancer
# routes elsewhere, while the API still answers; then the server closes and exits 0.
T1=$(now_ms)
engine stop -t 10 "$NAME" >/dev/null &
STOPPER=$!
DRAIN=$(node --input-type=module -e '
  const [base, t1] = process.argv.slice(1)
  const get = (path) => fetch(base + path, { signal: AbortSignal.timeout(1000) })
  for (;;) {
    const ready = await get("/readyz").catch(() => null)
    if (ready?.status === 503) {
      const problem = await ready.json()
      const api = await get("/v1/resources?category=general")
      const body = await api.json()
      if (problem.code !== "shutting_down" || api.status !== 200 || body.meta.total !== 13) {
        console.error(`readyz ${JSON.stringify(problem)}; API ${api.status}`)
        process.exit(1)
      }
      console.log(Date.now() - Number(t1))
      break
    }
    if (Date.now() - Number(t1) > 5000) { console.error(`/readyz never said 503 (last: ${ready?.status ?? "no answer"})`); process.exit(1) }
    await new Promise((r) => setTimeout(r, 20))
  }' "$BASE" "$T1") || die "on SIGTERM, /readyz did not answer 503 while the API kept serving"
wait "$STOPPER" || die "$CONTAINER stop failed"
STOP_MS=$(($(now_ms) - T1))
ok "SIGTERM: /readyz 503 (shutting_down) after ${DRAIN} ms while the API still answered 200"
EXIT_CODE=$(engine inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$EXIT_CODE" = 0 ] || die "stop: the container exited with $EXIT_CODE, not 0"
[ "$STOP_MS" -ge "$SHUTDOWN_DELAY_MS" ] || die "stop took ${STOP_MS} ms: the ${SHUTDOWN_DELAY_MS} ms readiness delay was skipped"
[ "$STOP_MS" -lt "$STOP_LIMIT_MS" ] || die "stop took ${STOP_MS} ms (limit ${STOP_LIMIT_MS} ms): SIGTERM is not handled"
ok "stop: exit code 0 after ${STOP_MS} ms (${SHUTDOWN_DELAY_MS} ms of it the readiness delay)"

# ---- 4. no network at all ----------------------------------------------------------------------
step "run --network none"
run_container -d --name "$NAME_OFFLINE" "${HARDEN[@]}" --network none "$IMAGE" >/dev/null
offline_ok=""
for _ in $(seq 60); do
  if engine exec "$NAME_OFFLINE" node -e '
    fetch("http://127.0.0.1:3000/v1/resources?category=general", { signal: AbortSignal.timeout(2000) })
      .then((r) => r.json().then((b) => process.exit(r.status === 200 && b.data.length === 13 ? 0 : 1)))
      .catch(() => process.exit(1))' 2>/dev/null; then
    offline_ok=yes
    break
  fi
  sleep 0.5
done
[ -n "$offline_ok" ] || die "with --network none the API did not answer inside the container"
ok "serves 13 general resources on 127.0.0.1 inside the container, with no network"
engine rm -f "$NAME_OFFLINE" >/dev/null

# ---- 5. memory: the stress mix under --memory 128m -----------------------------------------------
step "run --memory $MEMORY_LIMIT: the stress mix, 100 connections, ${MEMORY_LOAD_SECONDS} s"
PORT_M=$(free_port)
# As a pod limited to 128 MiB: no swap on top. Rate limiting off: one client is the
# whole load. MEMORY_NODE_OPTIONS replaces the image's NODE_OPTIONS, to compare.
MEMORY_ENV=(-e RATE_LIMIT_MAX=0)
[ -z "${MEMORY_NODE_OPTIONS+set}" ] || MEMORY_ENV+=(-e "NODE_OPTIONS=$MEMORY_NODE_OPTIONS")
run_container -d --name "$NAME_MEMORY" "${HARDEN[@]}" --memory "$MEMORY_LIMIT" --memory-swap "$MEMORY_LIMIT" \
  "${MEMORY_ENV[@]}" -p "127.0.0.1:$PORT_M:3000" "$IMAGE" >/dev/null
wait_200 "http://127.0.0.1:$PORT_M/readyz" "$(now_ms)" >/dev/null || die "the memory-limited container never answered 200"
HEAP_LIMIT_MB=$(engine exec "$NAME_MEMORY" node -p 'Math.round(require("v8").getHeapStatistics().heap_size_limit / 1048576)')
ok "up; V8 heap limit inside: $HEAP_LIMIT_MB MB (NODE_OPTIONS=$(engine exec "$NAME_MEMORY" printenv NODE_OPTIONS || true))"

# The container's memory cgroup, read from the host: cgroup v1's memory controller,
# or v2's single hierarchy.
PID_M=$(engine inspect -f '{{.State.Pid}}' "$NAME_MEMORY")
if [ -d /sys/fs/cgroup/memory ]; then
  CG=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' "/proc/$PID_M/cgroup")
  CG_VERSION=v1 USAGE_FILE=memory.usage_in_bytes PEAK_FILE=memory.max_usage_in_bytes
  ANON_KEY=total_rss INACTIVE_KEY=total_inactive_file
  oom_kills() { awk '$1 == "oom_kill" { print $2 }' "$CG/memory.oom_control"; }
else
  CG=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$PID_M/cgroup")
  CG_VERSION=v2 USAGE_FILE=memory.current PEAK_FILE=memory.peak
  ANON_KEY=anon INACTIVE_KEY=inactive_file
  oom_kills() { awk '$1 == "oom_kill" { print $2 }' "$CG/memory.events"; }
fi
[ -r "$CG/$USAGE_FILE" ] || die "cannot read the container's memory cgroup ($CG/$USAGE_FILE)"
# Every 0.5 s: usage (page cache included), working set (usage less inactive file
# pages: what a kubelet counts against the limit), and anonymous memory (the heap,
# buffers, the addon's: what cannot be reclaimed).
(
  while [ -r "$CG/$USAGE_FILE" ]; do
    usage=$(cat "$CG/$USAGE_FILE" 2>/dev/null) || break
    awk -v usage="$usage" -v anon="$ANON_KEY" -v inactive="$INACTIVE_KEY" '
      $1 == anon { a = $2 } $1 == inactive { i = $2 } END { print usage, usage - i, a }' "$CG/memory.stat" 2>/dev/null || break
    sleep 0.5
  done
) >"$WORK/memory.txt" &
SAMPLER=$!
LOAD_OK=yes
"$ROOT/node_modules/.bin/tsx" "$ROOT/scripts/stress/load.ts" "http://127.0.0.1:$PORT_M" \
  --connections 100 --seconds "$MEMORY_LOAD_SECONDS" --json "$WORK/load.json" | sed 's/^/  load  /' || LOAD_OK=""
PEAK=$(cat "$CG/$PEAK_FILE" 2>/dev/null || echo "")
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""
max_column() { awk -v c="$1" 'BEGIN { m = 0 } $c > m { m = $c } END { print m }' "$WORK/memory.txt"; }
PEAK_USAGE=$(max_column 1)
PEAK_WORKING_SET=$(max_column 2)
PEAK_ANON=$(max_column 3)
[ -n "$PEAK" ] || PEAK=$PEAK_USAGE   # no memory.peak before Linux 5.19: the sampled peak
OOM_KILLED=$(engine inspect -f '{{.State.OOMKilled}}' "$NAME_MEMORY")
EXIT_M=$(engine inspect -f '{{.State.ExitCode}}' "$NAME_MEMORY")
OOM_KILLS=$(oom_kills || echo 0)
STATE=$(engine inspect -f '{{.State.Status}}' "$NAME_MEMORY")
MiB() { echo $((($1 + 524288) / 1048576)); }
printf '  peak memory (cgroup %s %s, page cache included)  %s MiB of %s\n' "$CG_VERSION" "$PEAK_FILE" "$(MiB "$PEAK")" "$MEMORY_LIMIT"
printf '  peak working set (usage - inactive file, sampled)  %s MiB\n' "$(MiB "$PEAK_WORKING_SET")"
printf '  peak anonymous memory (%s, sampled)            %s MiB\n' "$ANON_KEY" "$(MiB "$PEAK_ANON")"
printf '  OOM-killed: %s (oom_kill events in the cgroup: %s); state: %s\n' "$OOM_KILLED" "${OOM_KILLS:-0}" "$STATE"
[ "$OOM_KILLED" = false ] && [ "${OOM_KILLS:-0}" = 0 ] && [ "$STATE" = running ] ||
  die "under --memory $MEMORY_LIMIT the container was OOM-killed or stopped (state $STATE, exit code $EXIT_M$([ "$EXIT_M" = 137 ] && echo ': SIGKILL, the kernel OOM killer as dmesg shows'), OOMKilled $OOM_KILLED, oom_kill $OOM_KILLS)"
[ -n "$LOAD_OK" ] || die "under --memory $MEMORY_LIMIT some requests failed or got a 5xx (see the load line)"
check "after the load: /readyz 200" "http://127.0.0.1:$PORT_M/readyz" 'res.status === 200'
engine stop -t 10 "$NAME_MEMORY" >/dev/null
[ "$(engine inspect -f '{{.State.ExitCode}}' "$NAME_MEMORY")" = 0 ] || die "the memory-limited container did not exit 0 on stop"
ok "served the stress mix under --memory $MEMORY_LIMIT: no failed request, no 5xx, not OOM-killed, exit 0 on stop"

# ---- 6. results --------------------------------------------------------------------------------
node -e '
  const fs = require("node:fs")
  const [file, mode, image, version, revision, size, nodeBase, nodeBaseSize, osBase, osBaseSize, first, drain, stop, build,
    limit, cg, peak, workingSet, anon, heapLimit, oomKilled, load] = process.argv.slice(1)
  const MB = (b) => Math.round(Number(b) / 1e6)
  const MiB = (b) => Math.round(Number(b) / 1048576)
  const r = {
    engine: mode, image, version, revision,
    imageSizeBytes: Number(size), imageSizeMB: MB(size),
    bases: {
      [nodeBase]: { sizeMB: MB(nodeBaseSize), differenceMB: MB(size) - MB(nodeBaseSize) },
      [osBase]: { sizeMB: MB(osBaseSize), differenceMB: MB(size) - MB(osBaseSize) },
    },
    timeToFirst200Ms: Number(first), readyz503AfterSigtermMs: Number(drain), stopMs: Number(stop), stopExitCode: 0,
    uid: 1000, buildSeconds: Number(build),
    memory: {
      limit, cgroup: cg, peakMiB: MiB(peak), peakWorkingSetMiB: MiB(workingSet), peakAnonMiB: MiB(anon),
      v8HeapLimitMB: Number(heapLimit), oomKilled: oomKilled === "true", load: JSON.parse(fs.readFileSync(load, "utf8")),
    },
    measuredAt: new Date().toISOString(),
  }
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + "\n")
' "$RESULT" "$MODE" "$IMAGE" "$VERSION" "$REVISION" "$SIZE" "$NODE_BASE" "$NODE_BASE_SIZE" "$OS_BASE" "$OS_BASE_SIZE" \
  "$FIRST_200_MS" "$DRAIN" "$STOP_MS" "$BUILD_S" "$MEMORY_LIMIT" "$CG_VERSION $PEAK_FILE" "$PEAK" "$PEAK_WORKING_SET" \
  "$PEAK_ANON" "$HEAP_LIMIT_MB" "$OOM_KILLED" "$WORK/load.json"

step "results (also in $RESULT)"
printf '  image size              %s MB (%s bytes)\n' "$(mb "$SIZE")" "$SIZE"
printf '    %s MB against %s (%s MB), where its node binary comes from\n' "$(diff_mb "$SIZE" "$NODE_BASE_SIZE")" "$NODE_BASE" "$(mb "$NODE_BASE_SIZE")"
printf '    %s MB against %s (%s MB), the base it starts from\n' "$(diff_mb "$SIZE" "$OS_BASE_SIZE")" "$OS_BASE" "$(mb "$OS_BASE_SIZE")"
printf '  run -> first 200        %s ms\n' "$FIRST_200_MS"
printf '  stop (SIGTERM)          %s ms, exit code 0 (/readyz 503 after %s ms)\n' "$STOP_MS" "$DRAIN"
printf '  under --memory %s     peak %s MiB (%s), working set %s MiB, anonymous %s MiB; not OOM-killed\n' \
  "$MEMORY_LIMIT" "$(MiB "$PEAK")" "$PEAK_FILE" "$(MiB "$PEAK_WORKING_SET")" "$(MiB "$PEAK_ANON")"
printf '  build                   %s s\n' "$BUILD_S"
echo
echo "container-test: all checks passed"
