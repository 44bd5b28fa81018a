import { createHook } from 'node:async_hooks'

// Imported first by server.ts, before anything can trigger a full garbage collection.
//
// Node's process.nextTick builds each queued tick as an object literal with computed
// keys ({ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }). V8
// 13.6 (Node 24) remembers, per key, the shape the object had before it, and holds
// those shapes weakly. A mark-compact that runs while no tick is queued frees the
// shapes; the next nextTick then finds its remembered shape gone, marks the key
// megamorphic, and from then on every tick of the process's life defines each key
// through a runtime call: about 1 µs more a nextTick, 4 nextTicks an HTTP answer,
// a fifth of the instructions of a 304. The image's heap limit puts the first
// mark-compact inside the app's build, so every container hit it; Node 20's V8 hits
// it in this server too, if less readily. docs/performance.md has the measurements.
//
// One tick object kept for the process's life keeps its shape, and with it every
// shape before it, alive, so the remembered shapes are never freed. It hangs off
// `process` under a symbol of its own, reachable as long as the process runs. The
// hook is on for the one nextTick below only.
const kept = Symbol('docker-resources-api: a tick object kept alive')
const hook = createHook({
  init(_asyncId, type, _triggerAsyncId, resource) {
    if (type === 'TickObject' && !(kept in process)) Object.defineProperty(process, kept, { value: resource })
  },
}).enable()
process.nextTick(() => {})
hook.disable()
