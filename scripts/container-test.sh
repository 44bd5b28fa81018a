#!/usr/bin/env bash
# Builds the image from ./Dockerfile and proves that it serves the same API as
# `npm start`, run the hardened way the README shows: read-only root filesystem, no
# capabilities, no new privileges, as uid 1000, healthy, stopped cleanly by SIGTERM,
# and independent of the network. Prints and saves the image size, the time from
# `run` to the first 200 and the stop time.
#
#   bash scripts/container-test.sh                     # podman (via the stand-in if present)
#   CONTAINER=docker bash scripts/container-test.sh    # a real Docker engine
#
# Environment:
#   CONTAINER  podman (default) or docker
#   STANDIN    container-standin.sh (default ../shared/tools/ beside this repository);
#              with podman it builds the node base images locally, and runs the checks
#   IMAGE      tag to build (default docker-resources-api:test)
#   RESULT     where to write the measurements (default /tmp/container-test-result.json)
#
# Not part of `npm test`: it needs a container engine (podman as root, or docker).
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
STOP_LIMIT_MS=5000

# The flags the README recommends; the container must work with all of them.
HARDEN=(--read-only --cap-drop ALL --security-opt no-new-privileges)
NAME=drapi-test-$$
NAME_OFFLINE=drapi-test-offline-$$

step() { printf '\n==> %s\n' "$*"; }
ok() { printf '  ok    %s\n' "$*"; }
die() { printf '\ncontainer-test: FAIL: %s\n' "$*" >&2; exit 1; }
# Wall-clock ms without spawning a process (bash 5), so it does not inflate timings.
now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); else node -p 'Date.now()'; fi
}

command -v node >/dev/null || die "node is needed on the host (to parse JSON and pick a free port)"
VERSION=$(node -p "require('$ROOT/package.json').version")
SOURCE=$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)
BUILD_ARGS=(--build-arg "VERSION=$VERSION" --build-arg "SOURCE=$SOURCE")

# ---- engine ----------------------------------------------------------------------------
case $CONTAINER in
  podman)
    # podman's --read-only also mounts tmpfs on /tmp, /run and /var/tmp; Docker's does
    # not. Turn that off so the test proves what `docker run --read-only` would do.
    HARDEN+=(--read-only-tmpfs=false)
    export DISABLE_HC_SYSTEMD=true   # no systemd here: silences podman's healthcheck-timer noise
    if [ -f "$STANDIN" ]; then
      [ "$(id -u)" -eq 0 ] || die "the podman stand-in needs root (rootful podman storage): run this as root"
      MODE="podman + $(basename "$STANDIN")"
      step "stand-in base images: $STANDIN setup"
      bash "$STANDIN" setup
      # --jobs 2: build the independent stages (deps/build, prod-deps) in parallel, as BuildKit does.
      BUILD=(bash "$STANDIN" build "$ROOT" "$IMAGE" --jobs 2 "${BUILD_ARGS[@]}")
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
  if [ $rc -ne 0 ]; then
    for n in "$NAME" "$NAME_OFFLINE"; do
      engine container inspect "$n" >/dev/null 2>&1 || continue
      printf '\n--- logs of %s (last 40 lines) ---\n' "$n" >&2
      engine logs --tail 40 "$n" >&2 || true
    done
  fi
  # One at a time: podman 4.3's `rm -f A B` removes nothing when A is already gone.
  for n in "$NAME" "$NAME_OFFLINE"; do engine rm -f "$n" >/dev/null 2>&1 || true; done
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
SIZE=$(engine image inspect -f '{{.Size}}' "$IMAGE")
SIZE_MB=$(((SIZE + 500000) / 1000000))   # decimal MB, as `docker images` shows them
ok "built in ${BUILD_S}s; image size $SIZE_MB MB"
[ "$(engine image inspect -f '{{.Config.User}}' "$IMAGE")" = node ] || die "the image does not switch to USER node"
[ "$(engine image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$IMAGE")" = "$VERSION" ] ||
  die "label org.opencontainers.image.version is not $VERSION"
ok "USER node, OCI labels (version $VERSION)"

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

# ---- 3. user, health, graceful stop ------------------------------------------------------------
step "process identity, health check, stop"
PROC=$(engine exec "$NAME" cat /proc/1/status)
UID_1=$(awk '/^Uid:/ { print $2 }' <<<"$PROC")   # real uid of PID 1, not of the exec
COMM=$(awk '/^Name:/ { print $2 }' <<<"$PROC")
[ "$UID_1" = 1000 ] || die "PID 1 runs as uid $UID_1, not 1000"
[ "$COMM" = node ] || die "PID 1 is '$COMM', not node: SIGTERM would not reach the server"
ok "PID 1 is node, uid 1000"

t=$SECONDS
until [ "$(engine inspect -f '{{.State.Health.Status}}' "$NAME")" = healthy ]; do
  status=$(engine inspect -f '{{.State.Health.Status}}' "$NAME")
  [ "$status" != unhealthy ] || die "the health check reports unhealthy: $(engine inspect -f '{{json .State.Health}}' "$NAME")"
  [ $((SECONDS - t)) -lt "$HEALTH_TIMEOUT" ] || die "not healthy after ${HEALTH_TIMEOUT}s (status: $status)"
  sleep 1
done
HEALTHY_S=$((SECONDS - t))
ok "health check: healthy (after ~${HEALTHY_S}s of waiting)"

T1=$(now_ms)
engine stop -t 10 "$NAME" >/dev/null
STOP_MS=$(($(now_ms) - T1))
EXIT_CODE=$(engine inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$EXIT_CODE" = 0 ] || die "stop: the container exited with $EXIT_CODE, not 0"
[ "$STOP_MS" -lt "$STOP_LIMIT_MS" ] || die "stop took ${STOP_MS} ms (limit ${STOP_LIMIT_MS} ms): SIGTERM is not handled"
ok "stop: exit code 0 after ${STOP_MS} ms"

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

# ---- 5. results --------------------------------------------------------------------------------
node -e '
  const [file, mode, image, version, size, first, stop, build] = process.argv.slice(1)
  const r = {
    engine: mode, image, version,
    imageSizeBytes: Number(size), imageSizeMB: Math.round(Number(size) / 1e6),
    timeToFirst200Ms: Number(first), stopMs: Number(stop), stopExitCode: 0, uid: 1000,
    buildSeconds: Number(build), measuredAt: new Date().toISOString(),
  }
  require("fs").writeFileSync(file, JSON.stringify(r, null, 2) + "\n")
' "$RESULT" "$MODE" "$IMAGE" "$VERSION" "$SIZE" "$FIRST_200_MS" "$STOP_MS" "$BUILD_S"

step "results (also in $RESULT)"
printf '  image size          %s MB (%s bytes)\n' "$SIZE_MB" "$SIZE"
printf '  run -> first 200    %s ms\n' "$FIRST_200_MS"
printf '  stop (SIGTERM)      %s ms, exit code 0\n' "$STOP_MS"
printf '  build               %s s\n' "$BUILD_S"
echo
echo "container-test: all checks passed"
