#!/usr/bin/env bash
# A rolling update across replicas, with nothing dropped. Three replicas of the real
# image run behind HAProxy (Debian's), which health-checks /readyz. Under steady load
# through the proxy (the stress mix, 100 connections), each replica is replaced in
# turn as an orchestrator's rolling update does: start a new one, wait until HAProxy
# sees it up, then SIGTERM the old one (`podman stop`), which answers /readyz with
# 503 for SHUTDOWN_DELAY_MS while still serving, then closes. Passes when no request
# failed and none got a 5xx. Prints requests, errors, 5xx, throughput with one
# replica and with three, the longest request, and what HAProxy had to retry.
#
#   bash scripts/scale-test.sh                     # podman (root), after container-test.sh
#   CONTAINER=docker bash scripts/scale-test.sh    # a real Docker engine
#
# Environment:
#   CONTAINER  podman (default) or docker
#   STANDIN    container-standin.sh, to build the image if it is missing (podman only)
#   IMAGE      the image (default docker-resources-api:test, as container-test.sh builds it)
#   RESULT     where to write the figures (default /tmp/scale-test-result.json)
#   THROUGHPUT_SECONDS  each throughput measurement (default 15)
#   UPDATE_LOAD_SECONDS the load during the update (default 60; the update takes ~25 s)
#
# Everything listens on 127.0.0.1: the replicas' published ports, HAProxy, its stats.
# Needs haproxy on PATH, node, and the dev dependencies (npm ci) for the load generator.
# shellcheck disable=SC2016  # the JavaScript in single quotes is meant for node, not bash
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONTAINER=${CONTAINER:-podman}
STANDIN=${STANDIN:-$(dirname "$0")/../../shared/tools/container-standin.sh}
IMAGE=${IMAGE:-docker-resources-api:test}
RESULT=${RESULT:-/tmp/scale-test-result.json}
THROUGHPUT_SECONDS=${THROUGHPUT_SECONDS:-15}
UPDATE_LOAD_SECONDS=${UPDATE_LOAD_SECONDS:-60}
CONNECTIONS=100
REPLICAS=3
UP_TIMEOUT_S=30
# HAProxy checks /readyz every second, and every 0.5 s while a server's state is
# changing; two failures mark it down. So a replica that says 503 is out of rotation
# within ~1.5 s, well inside the server's 3 s SHUTDOWN_DELAY_MS.
CHECK="inter 1s fastinter 500ms downinter 1s fall 2 rise 2"

step() { printf '\n==> %s\n' "$*"; }
ok() { printf '  ok    %s\n' "$*"; }
die() { printf '\nscale-test: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$CONTAINER" = podman ] || [ "$CONTAINER" = docker ] || die "CONTAINER must be podman or docker, not '$CONTAINER'"
command -v "$CONTAINER" >/dev/null || die "$CONTAINER is not installed"
[ "$CONTAINER" = docker ] || [ "$(id -u)" -eq 0 ] || die "podman here needs root (rootful storage, as the stand-in sets up)"
command -v haproxy >/dev/null || die "haproxy is not installed (Debian: apt-get install haproxy)"
command -v node >/dev/null || die "node is needed on the host"
[ -x "$ROOT/node_modules/.bin/tsx" ] || die "the load generator needs the dev dependencies: run npm ci first"
engine() { "$CONTAINER" "$@"; }
export DISABLE_HC_SYSTEMD=true   # podman without systemd: no healthcheck timers (HAProxy checks here)

if ! engine image inspect "$IMAGE" >/dev/null 2>&1; then
  step "no $IMAGE yet: building it"
  if [ "$CONTAINER" = podman ]; then
    [ -f "$STANDIN" ] || die "no image $IMAGE and no stand-in at $STANDIN to build it: run scripts/container-test.sh first"
    STANDIN_NODE=${STANDIN_NODE:-$(cat "$ROOT/.nvmrc")} bash "$STANDIN" setup
    STANDIN_NODE=${STANDIN_NODE:-$(cat "$ROOT/.nvmrc")} bash "$STANDIN" build "$ROOT" "$IMAGE" --jobs 2
  else
    docker build -t "$IMAGE" "$ROOT"
  fi
fi

WORK=$(mktemp -d)
HAPROXY_PID=""
declare -a PORTS NAMES
cleanup() {
  local rc=$?
  if [ $rc -ne 0 ] && [ -s "$WORK/haproxy.log" ]; then
    printf '\n--- HAProxy log (last 30 lines) ---\n' >&2
    tail -n 30 "$WORK/haproxy.log" >&2 || true
  fi
  [ -z "$HAPROXY_PID" ] || kill "$HAPROXY_PID" 2>/dev/null || true
  for n in "${NAMES[@]}"; do engine rm -f "$n" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Slots 1-3 are the first replicas, 4-6 their replacements. HAProxy knows all six
# from the start, as a Service knows its endpoints: a slot with nothing behind it
# is simply down.
for slot in 1 2 3 4 5 6; do
  PORTS[slot]=$(free_port)
  NAMES[slot]=drapi-scale-$$-$slot
done
LB_PORT=$(free_port)
STATS_PORT=$(free_port)
LB=http://127.0.0.1:$LB_PORT
STATS=http://127.0.0.1:$STATS_PORT/stats

{
  cat <<EOF
global
    maxconn 4096
    log stdout format raw local0 info

defaults
    mode http
    log global
    # Log only what went wrong: errors, retries, redispatches, 5xx.
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s
    # A request that could not be delivered (refused connection, connection closed
    # before any answer, no answer in time) is sent again, to another server: GETs
    # are safe to replay. HAProxy counts each (retries, redispatches below), so a
    # retry hides nothing from the figures.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
    # Idle server connections are shared between clients, but never used for a
    # client's first request unless known reusable (the default, said aloud).
    http-reuse safe

frontend api
    bind 127.0.0.1:$LB_PORT
    default_backend replicas

backend replicas
    balance leastconn
    option httpchk GET /readyz
    http-check expect status 200
    default-server check $CHECK
EOF
  for slot in 1 2 3 4 5 6; do echo "    server s$slot 127.0.0.1:${PORTS[slot]}"; done
  cat <<EOF

listen stats
    bind 127.0.0.1:$STATS_PORT
    stats enable
    stats uri /stats
EOF
} >"$WORK/haproxy.cfg"

haproxy -c -q -f "$WORK/haproxy.cfg" || die "HAProxy refuses the generated configuration ($WORK/haproxy.cfg)"

# state SLOT: HAProxy's view of a slot (UP, DOWN, "UP 1/2", ...).
state() {
  node -e '
    const [url, slot] = process.argv.slice(1)
    fetch(url + ";csv", { signal: AbortSignal.timeout(2000) }).then((r) => r.text()).then((csv) => {
      const [header, ...rows] = csv.trim().split("\n")
      const names = header.replace(/^# /, "").split(",")
      for (const row of rows) {
        const f = Object.fromEntries(row.split(",").map((v, i) => [names[i], v]))
        if (f.pxname === "replicas" && f.svname === `s${slot}`) console.log(f.status)
      }
    }, () => console.log("no-stats"))' "$STATS" "$1"
}
# haproxy_counters: retries and redispatches of the backend, and its 5xx answers.
haproxy_counters() {
  node -e '
    fetch(process.argv[1] + ";csv").then((r) => r.text()).then((csv) => {
      const [header, ...rows] = csv.trim().split("\n")
      const names = header.replace(/^# /, "").split(",")
      for (const row of rows) {
        const f = Object.fromEntries(row.split(",").map((v, i) => [names[i], v]))
        if (f.pxname === "replicas" && f.svname === "BACKEND")
          console.log(JSON.stringify({ retries: +f.wretr, redispatches: +f.wredis, connectionErrors: +f.econ, responseErrors: +f.eresp, "5xx": +f.hrsp_5xx }))
      }
    })' "$STATS"
}
wait_state() { # wait_state SLOT UP|DOWN
  local t=$SECONDS s
  until s=$(state "$1") && [ "$s" = "$2" ]; do
    [ $((SECONDS - t)) -lt "$UP_TIMEOUT_S" ] || die "HAProxy still says s$1 is '$s' after ${UP_TIMEOUT_S}s, not $2"
    sleep 0.2
  done
}

start_replica() { # start_replica SLOT: the production way, 128 MiB, hardened
  engine run -d --name "${NAMES[$1]}" --read-only --cap-drop ALL --security-opt no-new-privileges \
    $([ "$CONTAINER" = podman ] && echo --read-only-tmpfs=false) \
    --memory 128m --memory-swap 128m \
    -e RATE_LIMIT_MAX=0 -e LOG_LEVEL=warn \
    -p "127.0.0.1:${PORTS[$1]}:3000" "$IMAGE" >/dev/null
}

load() { # load SECONDS JSON: the stress mix through HAProxy (not /healthz, /readyz)
  "$ROOT/node_modules/.bin/tsx" "$ROOT/scripts/stress/load.ts" "$LB" --no-health \
    --connections "$CONNECTIONS" --seconds "$1" --json "$2"
}

echo "scale-test: $CONTAINER, image $IMAGE, HAProxy $(haproxy -v | head -n 1 | awk '{print $3}'), $REPLICAS replicas"

step "one replica behind HAProxy"
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!
# HAProxy starts every server as up until its first check fails: wait until the
# empty slots are known down, or the first requests would be sent to them.
for slot in 2 3 4 5 6; do wait_state "$slot" DOWN; done
start_replica 1
wait_state 1 UP
ok "s1 up, s2-s6 down (checks: GET /readyz, $CHECK)"
load "$THROUGHPUT_SECONDS" "$WORK/one.json" | sed 's/^/  load  /' || die "with one replica, requests failed or got a 5xx"

step "three replicas"
start_replica 2
start_replica 3
wait_state 2 UP
wait_state 3 UP
ok "s1, s2, s3 up"
load "$THROUGHPUT_SECONDS" "$WORK/three.json" | sed 's/^/  load  /' || die "with three replicas, requests failed or got a 5xx"
BEFORE=$(haproxy_counters)

step "rolling update under load: ${UPDATE_LOAD_SECONDS} s of the stress mix, each replica replaced in turn"
load "$UPDATE_LOAD_SECONDS" "$WORK/update.json" >"$WORK/update.out" 2>&1 &
LOADER=$!
UPDATE_START=$SECONDS
sleep 3
for old in 1 2 3; do
  new=$((old + 3))
  t=$SECONDS
  start_replica "$new"
  wait_state "$new" UP
  up_s=$((SECONDS - t))
  t=$SECONDS
  # podman/docker stop: SIGTERM, SIGKILL after 10 s. Returns when the process exited.
  engine stop -t 10 "${NAMES[$old]}" >/dev/null
  stop_s=$((SECONDS - t))
  code=$(engine inspect -f '{{.State.ExitCode}}' "${NAMES[$old]}")
  [ "$code" = 0 ] || die "replica s$old exited with $code on SIGTERM, not 0"
  s=$(state "$old")
  [[ "$s" == DOWN* ]] || die "s$old stopped but HAProxy still says '$s'"
  ok "s$new up in ${up_s}s (HAProxy sees it); s$old stopped in ${stop_s}s, exit 0"
done
UPDATE_S=$((SECONDS - UPDATE_START))
kill -0 "$LOADER" 2>/dev/null || die "the update ($UPDATE_S s) outlasted the load: raise UPDATE_LOAD_SECONDS"
LOAD_OK=yes
wait "$LOADER" || LOAD_OK=""
sed 's/^/  load  /' "$WORK/update.out"
AFTER=$(haproxy_counters)
for slot in 4 5 6; do [ "$(state "$slot")" = UP ] || die "s$slot is not up after the update"; done
ok "the update took ${UPDATE_S} s; s4, s5, s6 serve"

node -e '
  const fs = require("node:fs")
  const [file, work, before, after, updateS, image] = process.argv.slice(1)
  const read = (n) => JSON.parse(fs.readFileSync(`${work}/${n}.json`, "utf8"))
  const one = read("one"), three = read("three"), update = read("update")
  const b = JSON.parse(before), a = JSON.parse(after)
  const haproxy = Object.fromEntries(Object.keys(a).map((k) => [k, a[k] - b[k]]))
  const r = {
    image, replicas: 3, connections: update.connections,
    throughput: { oneReplica: one.requestsPerSecond, threeReplicas: three.requestsPerSecond },
    update: {
      seconds: Number(updateS), loadSeconds: update.seconds, requests: update.requests,
      errors: update.errors, timeouts: update.timeouts, fiveHundreds: update.fiveHundreds,
      latencyMs: update.latencyMs, statuses: update.statuses, haproxyDuringUpdate: haproxy,
    },
    measuredAt: new Date().toISOString(),
  }
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + "\n")
  const u = r.update
  console.log(`
==> results (also in ${file})
  during the update      ${u.requests} requests, ${u.errors} failed (${u.timeouts} timeouts), ${u.fiveHundreds} 5xx; statuses ${JSON.stringify(u.statuses)}
  longest request        ${u.latencyMs.max} ms (p99 ${u.latencyMs.p99} ms, p50 ${u.latencyMs.p50} ms)
  HAProxy retried        ${haproxy.retries} requests, redispatched ${haproxy.redispatches}; its own 5xx: ${haproxy["5xx"]}
  throughput             1 replica ${one.requestsPerSecond} req/s, 3 replicas ${three.requestsPerSecond} req/s (same 2-core machine as HAProxy and the load)
  the update             ${u.seconds} s for 3 replacements`)
' "$RESULT" "$WORK" "$BEFORE" "$AFTER" "$UPDATE_S" "$IMAGE"

[ -n "$LOAD_OK" ] || die "during the rolling update some requests failed or got a 5xx (see above)"
echo
echo "scale-test: all checks passed"
