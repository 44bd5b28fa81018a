import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseAllDocuments } from 'yaml'

// The part of kustomize that deploy/kubernetes/ uses, so the tests render exactly
// what `kubectl apply -k` would send without a kubectl or kustomize binary:
//   resources   files (every YAML document in them) and directories with their own
//               kustomization.yaml, rendered first
//   namespace   set on every namespaced object; a Namespace object is renamed to it
//               (kustomize does that too)
//   images      name -> newName / newTag / digest, in every pod template's containers
//   patches     JSON 6902 operations (add, replace, remove, test) on a target chosen by
//               group, version, kind and name, inline or from a file
// Anything else in a kustomization fails loudly, so a manifest that starts using
// another feature cannot be rendered wrongly in silence.

export type KubeObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; [key: string]: unknown }
  [key: string]: unknown
}

type Target = { group?: string; version?: string; kind?: string; name?: string }
type Operation = { op: string; path: string; value?: unknown }

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches'])
const CLUSTER_SCOPED = new Set(['Namespace'])

export class KustomizeError extends Error {
  override name = 'KustomizeError'
}

/** Every YAML document of a file, parsed strictly (duplicate keys and syntax errors fail). */
export function parseYamlFile(path: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'), { uniqueKeys: true, prettyErrors: true })
  const all = Array.isArray(documents) ? documents : [documents]
  return all
    .map((document) => {
      const problems = [...document.errors, ...document.warnings]
      if (problems.length > 0)
        throw new KustomizeError(`${path}: ${problems.map((p) => p.message).join('; ')}`)
      return document.toJS()
    })
    .filter((value) => value !== null && value !== undefined)
}

function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const path = join(dir, name)
    if (existsSync(path)) return path
  }
  throw new KustomizeError(`no kustomization.yaml in ${dir}`)
}

function asObject(value: unknown, where: string): KubeObject {
  const object = value as KubeObject
  if (
    typeof object !== 'object' ||
    object === null ||
    typeof object.apiVersion !== 'string' ||
    typeof object.kind !== 'string' ||
    typeof object.metadata?.name !== 'string'
  ) {
    throw new KustomizeError(
      `${where}: not a Kubernetes object (apiVersion, kind and metadata.name are required)`,
    )
  }
  return object
}

/** `kustomize build dir`, for the subset above. */
export function kustomizeBuild(dir: string): KubeObject[] {
  const file = kustomizationFile(dir)
  const [kustomization] = parseYamlFile(file) as Record<string, unknown>[]
  if (!kustomization) throw new KustomizeError(`${file} is empty`)
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key)) throw new KustomizeError(`${file}: "${key}" is not supported by the test helper`)
  }

  const objects: KubeObject[] = []
  for (const entry of (kustomization.resources ?? []) as string[]) {
    const path = resolve(dir, entry)
    if (!existsSync(path)) throw new KustomizeError(`${file}: resource ${entry} does not exist`)
    if (statSync(path).isDirectory()) objects.push(...kustomizeBuild(path))
    else objects.push(...parseYamlFile(path).map((value) => asObject(value, path)))
  }

  const namespace = kustomization.namespace as string | undefined
  if (namespace !== undefined) {
    for (const object of objects) {
      if (object.kind === 'Namespace') object.metadata.name = namespace
      else if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = namespace
    }
  }

  for (const image of (kustomization.images ?? []) as {
    name: string
    newName?: string
    newTag?: string
    digest?: string
  }[]) {
    for (const container of podContainers(objects)) {
      const [name, tag] = splitImage(container.image)
      if (name !== image.name) continue
      const newName = image.newName ?? name
      if (image.digest) container.image = `${newName}@${image.digest}`
      else container.image = `${newName}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`
    }
  }

  for (const patch of (kustomization.patches ?? []) as { path?: string; patch?: string; target?: Target }[]) {
    const text = patch.path ? readFileSync(resolve(dir, patch.path), 'utf8') : patch.patch
    if (text === undefined) throw new KustomizeError(`${file}: a patch needs path or patch`)
    const operations = parseAllDocuments(text)
    const ops = (Array.isArray(operations) ? operations[0] : operations)?.toJS() as Operation[] | undefined
    if (!Array.isArray(ops)) {
      throw new KustomizeError(
        `${file}: only JSON 6902 patches (a list of operations) are supported by the test helper`,
      )
    }
    if (!patch.target) throw new KustomizeError(`${file}: a JSON 6902 patch needs a target`)
    const targets = objects.filter((object) => matches(object, patch.target as Target))
    if (targets.length === 0)
      throw new KustomizeError(`${file}: no object matches patch target ${JSON.stringify(patch.target)}`)
    for (const object of targets) for (const op of ops) applyOperation(object, op, file)
  }

  const seen = new Set<string>()
  for (const object of objects) {
    const id = `${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`
    if (seen.has(id)) throw new KustomizeError(`${file}: ${id} is defined twice`)
    seen.add(id)
  }
  return objects
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.indexOf('@')
  if (at !== -1) return [image.slice(0, at), undefined]
  const colon = image.lastIndexOf(':')
  return colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined]
}

type Container = { image: string }

function podContainers(objects: KubeObject[]): Container[] {
  const containers: Container[] = []
  for (const object of objects) {
    const template = (object.spec as { template?: { spec?: Record<string, Container[]> } } | undefined)
      ?.template
    for (const list of ['initContainers', 'containers']) containers.push(...(template?.spec?.[list] ?? []))
  }
  return containers
}

function matches(object: KubeObject, target: Target): boolean {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion]
  return (
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.kind === undefined || target.kind === object.kind) &&
    (target.name === undefined || target.name === object.metadata.name)
  )
}

/** RFC 6902 add, replace, remove and test, on a JSON Pointer (RFC 6901). */
function applyOperation(object: KubeObject, operation: Operation, file: string): void {
  const tokens = operation.path
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
  const last = tokens.pop()
  if (last === undefined)
    throw new KustomizeError(`${file}: patch path "${operation.path}" is the whole object`)
  let parent: unknown = object
  for (const token of tokens) {
    parent = (parent as Record<string, unknown>)?.[token]
    if (parent === undefined || parent === null) {
      throw new KustomizeError(
        `${file}: patch path ${operation.path} does not exist in ${object.kind}/${object.metadata.name}`,
      )
    }
  }
  const container = parent as Record<string, unknown> & unknown[]
  const exists = Array.isArray(container) ? Number(last) < container.length : last in container
  switch (operation.op) {
    case 'add':
      if (Array.isArray(container))
        container.splice(last === '-' ? container.length : Number(last), 0, operation.value)
      else (container as Record<string, unknown>)[last] = operation.value
      return
    case 'replace':
      if (!exists) throw new KustomizeError(`${file}: cannot replace missing ${operation.path}`)
      container[last as unknown as number] = operation.value
      return
    case 'remove':
      if (!exists) throw new KustomizeError(`${file}: cannot remove missing ${operation.path}`)
      if (Array.isArray(container)) container.splice(Number(last), 1)
      else delete container[last]
      return
    case 'test':
      if (JSON.stringify(container[last as unknown as number]) !== JSON.stringify(operation.value)) {
        throw new KustomizeError(`${file}: test failed at ${operation.path}`)
      }
      return
    default:
      throw new KustomizeError(
        `${file}: patch operation "${operation.op}" is not supported by the test helper`,
      )
  }
}
