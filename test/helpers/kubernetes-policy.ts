import { ConfigError, EnvSchema, loadConfig } from '../../src/config.js'
import type { KubeObject } from './kustomize.js'

// What deploy/kubernetes/ promises an operator, as checks on the rendered objects:
// each returns the broken promises as sentences (none when all hold). The tests run
// it on the base and the overlay, and on broken copies to prove each check bites.

type Probe = { httpGet?: { path?: string; port?: number | string } }
type SecurityContext = {
  runAsNonRoot?: boolean
  runAsUser?: number
  allowPrivilegeEscalation?: boolean
  privileged?: boolean
  readOnlyRootFilesystem?: boolean
  capabilities?: { drop?: string[]; add?: string[] }
  seccompProfile?: { type?: string }
}
type Container = {
  name: string
  image?: string
  ports?: { name?: string; containerPort: number; hostPort?: number }[]
  env?: { name: string; value?: string; valueFrom?: unknown }[]
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: SecurityContext
  livenessProbe?: Probe
  readinessProbe?: Probe
  startupProbe?: Probe
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: { command?: string[] } } }
}
type PodSpec = {
  automountServiceAccountToken?: boolean
  enableServiceLinks?: boolean
  hostNetwork?: boolean
  hostPID?: boolean
  hostIPC?: boolean
  securityContext?: SecurityContext
  terminationGracePeriodSeconds?: number
  topologySpreadConstraints?: {
    topologyKey: string
    maxSkew: number
    labelSelector?: { matchLabels?: Record<string, string> }
  }[]
  volumes?: Record<string, unknown>[]
  containers: Container[]
  initContainers?: Container[]
}
type Deployment = KubeObject & {
  spec: {
    replicas?: number
    selector: { matchLabels?: Record<string, string> }
    strategy?: {
      type?: string
      rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string }
    }
    template: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
      spec: PodSpec
    }
  }
}

/** The memory limit the container is proven to fit (scripts/container-test.sh). */
export const MEMORY_LIMIT = '128Mi'
/**
 * Seconds the server answers /readyz 503 after SIGTERM before it closes: the value
 * of the server's own setting for it (a variable of src/config.ts whose name says
 * drain, readiness or shutdown delay, in milliseconds; from the manifest or its
 * default), or this allowance while the server has no such setting.
 */
export const READINESS_DRAIN_ALLOWANCE_S = 5
const DRAIN_SETTING = /^(?!SHUTDOWN_TIMEOUT_MS$)[A-Z_]*(DRAIN|READINESS|SHUTDOWN)[A-Z_]*_MS$/

function readinessDrainSeconds(env: Record<string, string>): { seconds: number; source: string } {
  for (const [name, schema] of Object.entries(EnvSchema.shape)) {
    if (!DRAIN_SETTING.test(name)) continue
    const value = schema.safeParse(env[name])
    if (value.success && typeof value.data === 'number') return { seconds: value.data / 1000, source: name }
  }
  return { seconds: READINESS_DRAIN_ALLOWANCE_S, source: 'readiness drain' }
}
export const MIN_REPLICAS = 3
/** Volume types the "restricted" Pod Security Standard allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
])

function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value)
}

function isZero(value: number | string | undefined): boolean {
  return value === 0 || value === '0' || value === '0%'
}

function preStopSeconds(container: Container): number | null {
  const preStop = container.lifecycle?.preStop
  if (preStop?.sleep) return preStop.sleep.seconds
  const command = preStop?.exec?.command ?? []
  const index = command.findIndex((part) => part === 'sleep' || part.endsWith('/sleep'))
  return index === -1 ? null : Number(command[index + 1])
}

function checkPod(
  name: string,
  pod: PodSpec,
  labels: Record<string, string> | undefined,
  problems: string[],
): void {
  const say = (problem: string) => problems.push(`${name}: ${problem}`)
  if (pod.automountServiceAccountToken !== false) say('automountServiceAccountToken must be false')
  if (pod.enableServiceLinks !== false)
    say('enableServiceLinks must be false (Service variables could override METRICS_PORT)')
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) say('host namespaces are not allowed (restricted)')
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name')
    if (!type || !RESTRICTED_VOLUMES.has(type)) say(`volume type ${type} is not allowed (restricted)`)
  }
  const podContext = pod.securityContext ?? {}
  if (podContext.runAsUser === 0) say('runAsUser 0 is root')

  const spread = pod.topologySpreadConstraints ?? []
  for (const key of ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']) {
    const constraint = spread.find((item) => item.topologyKey === key)
    if (!constraint) say(`no topologySpreadConstraint across ${key}`)
    else if (!selects(constraint.labelSelector?.matchLabels, labels))
      say(`the spread across ${key} does not select the pods`)
  }

  const containers = [...(pod.initContainers ?? []), ...pod.containers]
  for (const container of containers) {
    const where = `container ${container.name}`
    const context = container.securityContext ?? {}
    if (context.allowPrivilegeEscalation !== false) say(`${where}: allowPrivilegeEscalation must be false`)
    if (context.privileged === true) say(`${where}: privileged is not allowed`)
    if (!context.capabilities?.drop?.includes('ALL')) say(`${where}: capabilities must drop ALL`)
    if ((context.capabilities?.add ?? []).length > 0) say(`${where}: no capability may be added`)
    if (context.readOnlyRootFilesystem !== true) say(`${where}: readOnlyRootFilesystem must be true`)
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) say(`${where}: runAsNonRoot must be true`)
    const user = context.runAsUser ?? podContext.runAsUser
    if (user !== 1000) say(`${where}: must run as uid 1000 (the image's node user), not ${user}`)
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      say(`${where}: seccompProfile must be RuntimeDefault`)
    for (const port of container.ports ?? []) if (port.hostPort) say(`${where}: hostPort is not allowed`)
  }

  const [api, ...others] = pod.containers
  if (!api || others.length > 0) {
    say('exactly one container expected')
    return
  }
  const where = `container ${api.name}`
  const resources = api.resources ?? {}
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (!resources[kind]?.[resource]) say(`${where}: resources.${kind}.${resource} is missing`)
    }
  }
  if (resources.limits?.memory !== undefined && resources.limits.memory !== MEMORY_LIMIT)
    say(`${where}: the memory limit must be ${MEMORY_LIMIT}, the figure the container test proves`)

  // The environment: only variables the server reads, with values it accepts.
  const env: Record<string, string> = {}
  for (const variable of api.env ?? []) {
    if (!(variable.name in EnvSchema.shape))
      say(`${where}: env ${variable.name} is not read by the server (src/config.ts)`)
    if (variable.value !== undefined) env[variable.name] = variable.value
  }
  let config: ReturnType<typeof loadConfig> | undefined
  try {
    config = loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    say(`${where}: the server would refuse its environment: ${error.message}`)
  }

  const ports = new Map((api.ports ?? []).map((port) => [port.name, port.containerPort]))
  const probe = (kind: 'livenessProbe' | 'readinessProbe', path: string) => {
    const get = api[kind]?.httpGet
    if (get?.path !== path) say(`${where}: ${kind} must GET ${path}`)
    else if (get.port !== 'http' && get.port !== ports.get('http'))
      say(`${where}: ${kind} must use the http port`)
  }
  probe('livenessProbe', '/healthz')
  probe('readinessProbe', '/readyz')
  if (config) {
    if (ports.get('http') !== config.port) say(`${where}: the port named http must be PORT (${config.port})`)
    if (config.metrics.port === 0) say(`${where}: metrics must be on (METRICS_PORT)`)
    else if (ports.get('metrics') !== config.metrics.port)
      say(`${where}: the port named metrics must be METRICS_PORT (${config.metrics.port})`)
  }

  const sleep = preStopSeconds(api)
  if (sleep === null || !(sleep >= 1)) say(`${where}: preStop must sleep before SIGTERM`)
  else if (config) {
    const drain = readinessDrainSeconds(env)
    const needed = sleep + drain.seconds + config.shutdownTimeoutMs / 1000
    const grace = pod.terminationGracePeriodSeconds ?? 30
    if (grace <= needed)
      say(
        `terminationGracePeriodSeconds ${grace} must exceed preStop ${sleep} s + ${drain.source} ${drain.seconds} s + SHUTDOWN_TIMEOUT_MS ${config.shutdownTimeoutMs / 1000} s`,
      )
  }
}

function checkDeployment(deployment: Deployment, problems: string[]): void {
  const name = `Deployment/${deployment.metadata.name}`
  const say = (problem: string) => problems.push(`${name}: ${problem}`)
  const spec = deployment.spec
  if (spec.replicas !== undefined && spec.replicas < MIN_REPLICAS)
    say(`replicas ${spec.replicas} is under ${MIN_REPLICAS} (better: leave replicas to the HPA)`)
  if (spec.strategy?.type !== 'RollingUpdate') say('strategy must be RollingUpdate')
  if (!isZero(spec.strategy?.rollingUpdate?.maxUnavailable)) say('rollingUpdate.maxUnavailable must be 0')
  if (isZero(spec.strategy?.rollingUpdate?.maxSurge))
    say('rollingUpdate.maxSurge must let a new pod start first')
  const labels = spec.template.metadata?.labels
  if (!selects(spec.selector.matchLabels, labels)) say('the selector does not select its own pods')

  const annotations = spec.template.metadata?.annotations ?? {}
  const metricsPort = spec.template.spec.containers[0]?.ports?.find(
    (port) => port.name === 'metrics',
  )?.containerPort
  if (annotations['prometheus.io/scrape'] !== 'true') say('the pods need prometheus.io/scrape: "true"')
  if (annotations['prometheus.io/port'] !== String(metricsPort))
    say('prometheus.io/port must be the metrics port')
  if (annotations['prometheus.io/path'] !== '/metrics') say('prometheus.io/path must be /metrics')

  checkPod(name, spec.template.spec, labels, problems)
}

export function policyViolations(objects: KubeObject[]): string[] {
  const problems: string[] = []
  const ofKind = (kind: string) => objects.filter((object) => object.kind === kind)
  const deployments = ofKind('Deployment') as Deployment[]
  if (deployments.length !== 1) return [`exactly one Deployment expected, found ${deployments.length}`]
  const deployment = deployments[0] as Deployment
  checkDeployment(deployment, problems)
  const podLabels = deployment.spec.template.metadata?.labels
  const container = deployment.spec.template.spec.containers[0]
  const metricsPort = container?.ports?.find((port) => port.name === 'metrics')?.containerPort

  const services = ofKind('Service') as (KubeObject & {
    spec: { selector?: Record<string, string>; ports: { targetPort?: number | string; port: number }[] }
  })[]
  if (services.length !== 1) problems.push(`exactly one Service expected, found ${services.length}`)
  for (const service of services) {
    const name = `Service/${service.metadata.name}`
    if (!selects(service.spec.selector, podLabels)) problems.push(`${name}: does not select the pods`)
    for (const port of service.spec.ports) {
      if (port.targetPort === 'metrics' || port.targetPort === metricsPort)
        problems.push(`${name}: exposes the metrics port; metrics are never public`)
    }
  }

  const hpas = ofKind('HorizontalPodAutoscaler') as (KubeObject & {
    spec: {
      scaleTargetRef?: { kind?: string; name?: string }
      minReplicas?: number
      maxReplicas?: number
      metrics?: { type?: string; resource?: { name?: string } }[]
    }
  })[]
  if (hpas.length !== 1) problems.push(`exactly one HorizontalPodAutoscaler expected, found ${hpas.length}`)
  for (const hpa of hpas) {
    const name = `HorizontalPodAutoscaler/${hpa.metadata.name}`
    if (hpa.apiVersion !== 'autoscaling/v2') problems.push(`${name}: must be autoscaling/v2`)
    const target = hpa.spec.scaleTargetRef
    if (target?.kind !== 'Deployment' || target.name !== deployment.metadata.name)
      problems.push(`${name}: must scale Deployment/${deployment.metadata.name}`)
    if ((hpa.spec.minReplicas ?? 1) < MIN_REPLICAS)
      problems.push(`${name}: minReplicas must be at least ${MIN_REPLICAS}`)
    if ((hpa.spec.maxReplicas ?? 0) < (hpa.spec.minReplicas ?? 1))
      problems.push(`${name}: maxReplicas under minReplicas`)
    if (!hpa.spec.metrics?.some((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu'))
      problems.push(`${name}: must scale on CPU`)
  }

  const budgets = ofKind('PodDisruptionBudget') as (KubeObject & {
    spec: {
      maxUnavailable?: number | string
      minAvailable?: number | string
      selector?: { matchLabels?: Record<string, string> }
    }
  })[]
  if (budgets.length !== 1) problems.push(`exactly one PodDisruptionBudget expected, found ${budgets.length}`)
  for (const budget of budgets) {
    const name = `PodDisruptionBudget/${budget.metadata.name}`
    if (budget.spec.maxUnavailable !== 1) problems.push(`${name}: maxUnavailable must be 1`)
    if (!selects(budget.spec.selector?.matchLabels, podLabels))
      problems.push(`${name}: does not select the pods`)
  }
  return problems
}
