import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/paths.js'
import { startTestApp } from '../helpers/app.js'
import { tempDir } from '../helpers/database.js'
import { policyViolations } from '../helpers/kubernetes-policy.js'
import { unknownFields, validateSchema } from '../helpers/kubernetes-schema.js'
import { type KubeObject, kustomizeBuild, parseYamlFile } from '../helpers/kustomize.js'

// deploy/kubernetes/ checked offline, as `kubectl apply -k` would see it: every file
// parses, the base and the overlay render (test/helpers/kustomize.ts), every object
// validates against the Kubernetes API's schema and has no field the API lacks
// (kubernetes-models), and the operator's promises hold (kubernetes-policy.ts). The
// last block edits a copy of the folder one mistake at a time and sees each caught.

const ROOT = join(projectRoot, 'deploy', 'kubernetes')
const BASE = 'base'
const OVERLAY = join('overlays', 'production')

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(dir, file))
}

/** Every error a manifest folder has: rendering, schema, unknown fields (given), policy. */
async function check(objects: KubeObject[], unknown: string[]): Promise<string[]> {
  return [...(await validateSchema(objects)), ...unknown, ...policyViolations(objects)]
}

describe('deploy/kubernetes', () => {
  let base: KubeObject[]
  let overlay: KubeObject[]
  let unknown: Record<string, string[]>
  beforeAll(() => {
    base = kustomizeBuild(join(ROOT, BASE))
    overlay = kustomizeBuild(join(ROOT, OVERLAY))
    unknown = unknownFields({ base, overlay })
  })

  it('every YAML document parses, without duplicate keys', () => {
    const files = yamlFiles(ROOT)
    expect(files.length).toBeGreaterThanOrEqual(7)
    for (const file of files) expect(parseYamlFile(file).length, file).toBeGreaterThan(0)
  })

  it('the base renders a Deployment, a Service, an HPA and a PodDisruptionBudget', () => {
    expect(base.map((object) => `${object.apiVersion} ${object.kind}`).sort()).toEqual([
      'apps/v1 Deployment',
      'autoscaling/v2 HorizontalPodAutoscaler',
      'policy/v1 PodDisruptionBudget',
      'v1 Service',
    ])
  })

  it.each([
    ['base', () => base],
    ['production overlay', () => overlay],
  ])('the %s validates against the Kubernetes API schema and keeps every promise', async (name, objects) => {
    expect(await check(objects(), unknown[name === 'base' ? 'base' : 'overlay'] ?? ['missing'])).toEqual([])
  })

  it('the app starts and serves with the environment the Deployment gives it', async () => {
    const deployment = base.find((object) => object.kind === 'Deployment') as KubeObject & {
      spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }
    }
    const env = Object.fromEntries(
      (deployment.spec.template.spec.containers[0]?.env ?? []).map((item) => [item.name, item.value]),
    )
    expect(env.TRUST_PROXY).toContain('fc00::/7')
    const api = await startTestApp(env)
    try {
      expect(api.config.metrics).toEqual({ port: 9464, host: '0.0.0.0' })
      // Fastify compiles TRUST_PROXY's address list when the app is built: a bad entry would throw.
      expect(api.config.trustProxy).toEqual(env.TRUST_PROXY?.split(','))
      expect((await api.http().get('/readyz')).status).toBe(200)
    } finally {
      await api.close()
    }
  })

  it('the overlay puts everything in its restricted namespace, from a registry, with more replicas', () => {
    const namespace = overlay.find((object) => object.kind === 'Namespace')
    expect(namespace?.metadata).toMatchObject({
      name: 'docker-resources-api',
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    })
    for (const object of overlay.filter((item) => item.kind !== 'Namespace'))
      expect(object.metadata.namespace).toBe('docker-resources-api')
    const deployment = overlay.find((object) => object.kind === 'Deployment') as KubeObject & {
      spec: { template: { spec: { containers: { image: string }[] } } }
    }
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(
      'registry.example.com/docker-resources-api:1.0.0',
    )
    const hpa = overlay.find((object) => object.kind === 'HorizontalPodAutoscaler') as KubeObject & {
      spec: { minReplicas: number; maxReplicas: number }
    }
    expect(hpa.spec).toMatchObject({ minReplicas: 6, maxReplicas: 30 })
  })
})

// Each case: a file, the text to change (every occurrence of a string, the first
// match of a pattern; it must be there, so a case cannot go stale and pass), what to
// put instead, and what the error must say.
type Broken = [name: string, file: string, from: string | RegExp, to: string, error: RegExp]
const DEPLOYMENT = 'base/deployment.yaml'
const BROKEN: Broken[] = [
  [
    'a misspelled field',
    DEPLOYMENT,
    'readOnlyRootFilesystem: true',
    'readOnlyRootFileSystem: true',
    /readOnlyRootFileSystem"?' does not exist in type 'ISecurityContext'/,
  ],
  [
    'a dropped container securityContext',
    DEPLOYMENT,
    /\n {10}securityContext:\n(?: {12}.*\n| {14}.*\n| {16}.*\n)+/,
    '\n',
    /container api: allowPrivilegeEscalation must be false/,
  ],
  [
    'privilege escalation allowed',
    DEPLOYMENT,
    'allowPrivilegeEscalation: false',
    'allowPrivilegeEscalation: true',
    /allowPrivilegeEscalation must be false/,
  ],
  ['capabilities kept', DEPLOYMENT, '- ALL', '- NET_RAW', /capabilities must drop ALL/],
  [
    'a writable root filesystem',
    DEPLOYMENT,
    'readOnlyRootFilesystem: true',
    'readOnlyRootFilesystem: false',
    /readOnlyRootFilesystem must be true/,
  ],
  [
    'seccomp unconfined',
    DEPLOYMENT,
    'type: RuntimeDefault',
    'type: Unconfined',
    /seccompProfile must be RuntimeDefault/,
  ],
  ['root', DEPLOYMENT, 'runAsUser: 1000', 'runAsUser: 0', /runAsUser 0 is root/],
  [
    'a service account token',
    DEPLOYMENT,
    'automountServiceAccountToken: false',
    'automountServiceAccountToken: true',
    /automountServiceAccountToken must be false/,
  ],
  [
    'an update that may drop below the count',
    DEPLOYMENT,
    'maxUnavailable: 0',
    'maxUnavailable: 1',
    /maxUnavailable must be 0/,
  ],
  [
    'liveness on /readyz',
    DEPLOYMENT,
    /livenessProbe:\n(\s+)httpGet:\n\s+path: \/healthz/,
    'livenessProbe:\n$1httpGet:\n$1  path: /readyz',
    /livenessProbe must GET \/healthz/,
  ],
  [
    'no readiness probe',
    DEPLOYMENT,
    /\n {10}readinessProbe:\n(?: {12}.*\n)+/,
    '\n',
    /readinessProbe must GET \/readyz/,
  ],
  [
    'no preStop',
    DEPLOYMENT,
    /\n {10}lifecycle:\n(?: {12}.*\n| {14}.*\n| {16}.*\n)+/,
    '\n',
    /preStop must sleep before SIGTERM/,
  ],
  [
    'a grace period shorter than the shutdown',
    DEPLOYMENT,
    'terminationGracePeriodSeconds: 25',
    'terminationGracePeriodSeconds: 15',
    /terminationGracePeriodSeconds 15 must exceed/,
  ],
  [
    'a bigger memory limit than proven',
    DEPLOYMENT,
    /(limits:[\s\S]*?)memory: 128Mi/,
    '$1memory: 512Mi',
    /the memory limit must be 128Mi/,
  ],
  ['no CPU request', DEPLOYMENT, 'cpu: 250m', 'ephemeral-storage: 10Mi', /resources.requests.cpu is missing/],
  [
    'no spread across zones',
    DEPLOYMENT,
    'topologyKey: topology.kubernetes.io/zone',
    'topologyKey: example.com/rack',
    /no topologySpreadConstraint across topology.kubernetes.io\/zone/,
  ],
  [
    'the scrape annotation on another port',
    DEPLOYMENT,
    'prometheus.io/port: "9464"',
    'prometheus.io/port: "9465"',
    /prometheus.io\/port must be the metrics port/,
  ],
  [
    'a misspelled environment variable',
    DEPLOYMENT,
    'name: RATE_LIMIT_MAX',
    'name: RATE_LIMT_MAX',
    /env RATE_LIMT_MAX is not read by the server/,
  ],
  [
    'a value the server refuses',
    DEPLOYMENT,
    'value: "600"',
    'value: "lots"',
    /the server would refuse its environment: invalid configuration: RATE_LIMIT_MAX="lots"/,
  ],
  [
    'a number where the API wants a string',
    DEPLOYMENT,
    'value: "3000"',
    'value: 3000',
    /env\/1\/value must be string/,
  ],
  [
    'metrics on the public port',
    DEPLOYMENT,
    /name: METRICS_PORT\n(\s+)value: "9464"/,
    'name: METRICS_PORT\n$1value: "3000"',
    /METRICS_PORT="3000": must differ from PORT/,
  ],
  [
    'the Service exposing the metrics',
    'base/service.yaml',
    'targetPort: http',
    'targetPort: metrics',
    /exposes the metrics port/,
  ],
  [
    'fewer than three replicas',
    'base/hpa.yaml',
    'minReplicas: 3',
    'minReplicas: 2',
    /minReplicas must be at least 3/,
  ],
  [
    'the old autoscaling API',
    'base/hpa.yaml',
    'apiVersion: autoscaling/v2',
    'apiVersion: autoscaling/v1',
    /must be autoscaling\/v2/,
  ],
  [
    'a budget that allows two down',
    'base/pdb.yaml',
    'maxUnavailable: 1',
    'maxUnavailable: 2',
    /maxUnavailable must be 1/,
  ],
  [
    'a resource that does not exist',
    'base/kustomization.yaml',
    '- pdb.yaml',
    '- pdb.yml',
    /resource pdb.yml does not exist/,
  ],
  [
    'a kustomize feature the helper does not render',
    'base/kustomization.yaml',
    'resources:',
    'commonLabels:\n  team: x\nresources:',
    /"commonLabels" is not supported/,
  ],
  [
    'a duplicate key',
    'base/service.yaml',
    'type: ClusterIP',
    'type: ClusterIP\n  type: NodePort',
    /Map keys must be unique/,
  ],
  [
    'an overlay patch that misses',
    'overlays/production/kustomization.yaml',
    'path: /spec/minReplicas',
    'path: /spec/minReplica/x',
    /patch path \/spec\/minReplica\/x does not exist/,
  ],
]

describe('a broken copy of deploy/kubernetes fails', () => {
  const errors = new Map<string, string[]>()
  let cleanup: () => void = () => {}
  beforeAll(async () => {
    const temp = tempDir('dra-k8s-')
    cleanup = temp.cleanup
    const rendered: Record<string, KubeObject[]> = {}
    for (const [name, file, from, to] of BROKEN) {
      const copy = join(temp.dir, name.replaceAll(/\W+/g, '-'))
      cpSync(ROOT, copy, { recursive: true })
      const path = join(copy, file)
      const text = readFileSync(path, 'utf8')
      const edited = typeof from === 'string' ? text.replaceAll(from, to) : text.replace(from, to)
      if (edited === text) throw new Error(`case "${name}": ${String(from)} is not in ${file} any more`)
      writeFileSync(path, edited)
      try {
        rendered[name] = kustomizeBuild(join(copy, file.startsWith('overlays') ? OVERLAY : BASE))
        errors.set(name, [])
      } catch (error) {
        errors.set(name, [(error as Error).message])
      }
    }
    const unknown = unknownFields(rendered)
    for (const [name, objects] of Object.entries(rendered))
      errors.set(name, await check(objects, unknown[name] ?? []))
  }, 120_000)
  afterAll(() => cleanup())

  it.each(BROKEN.map(([name, , , , error]) => [name, error] as const))('%s', (name, error) => {
    const found = errors.get(name) ?? []
    expect(found.length, 'no error at all').toBeGreaterThan(0)
    expect(found.join('\n')).toMatch(error)
  })
})
