import { join } from 'node:path'
import ts from 'typescript'
import { projectRoot } from '../../src/paths.js'
import type { KubeObject } from './kustomize.js'

// Two offline checks of Kubernetes objects against the API's own schema, both from
// kubernetes-models (generated from the Kubernetes OpenAPI document):
//   validateSchema   its bundled JSON-schema validators (types, required fields,
//                    formats such as int32 and IntOrString)
//   unknownFields    its TypeScript interfaces, through the compiler's excess-property
//                    check: a field the API does not have (a typo such as
//                    readOnlyRootFileSystem) is an error at any depth. The validators
//                    let unknown fields through, as the OpenAPI schema does; the API
//                    server refuses them (kubectl's default field validation is Strict).

type Model = { validate(): void }
type ModelClass = new (data: unknown) => Model

/** The kubernetes-models module of an object: kubernetes-models/<group>/<version>/<Kind>. */
function modulePath(object: KubeObject): string {
  return `kubernetes-models/${object.apiVersion}/${object.kind}`
}

function describe(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`
}

/** The schema errors of each object (empty when valid). */
export async function validateSchema(objects: KubeObject[]): Promise<string[]> {
  const errors: string[] = []
  for (const object of objects) {
    let Class: ModelClass | undefined
    try {
      const module = (await import(modulePath(object))) as Record<string, ModelClass>
      Class = module[object.kind]
    } catch {
      // no module for this apiVersion and kind
    }
    if (!Class) {
      errors.push(`${describe(object)}: no schema for ${object.apiVersion} ${object.kind}`)
      continue
    }
    try {
      new Class(object).validate()
    } catch (error) {
      errors.push(`${describe(object)}: ${(error as Error).message}`)
    }
  }
  return errors
}

/**
 * Fields the Kubernetes API does not know, for several sets of objects at once (one
 * compiler run is a few seconds; the broken-copy tests check many sets).
 */
export function unknownFields(sets: Record<string, KubeObject[]>): Record<string, string[]> {
  const files = new Map<string, { name: string; objects: KubeObject[]; source: string }>()
  Object.entries(sets).forEach(([name, objects], index) => {
    const imports: string[] = []
    const lines: string[] = []
    objects.forEach((object, i) => {
      imports.push(`import type { I${object.kind} as T${i} } from '${modulePath(object)}'`)
      lines.push(`export const o${i}: T${i} = ${JSON.stringify(object, null, 1)}`)
    })
    const path = join(projectRoot, 'test', `__kubernetes_manifests_${index}.ts`)
    files.set(path, { name, objects, source: `${imports.join('\n')}\n${lines.join('\n')}\n` })
  })

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  }
  const host = ts.createCompilerHost(options)
  const readSource = host.getSourceFile.bind(host)
  host.getSourceFile = (path, language, ...rest) => {
    const file = files.get(path)
    return file ? ts.createSourceFile(path, file.source, language) : readSource(path, language, ...rest)
  }
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (path) => files.has(path) || fileExists(path)
  const program = ts.createProgram([...files.keys()], options, host)

  const result: Record<string, string[]> = {}
  for (const [path, file] of files) {
    const source = program.getSourceFile(path)
    result[file.name] = ts.getPreEmitDiagnostics(program, source).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')
      if (diagnostic.start === undefined || !source) return message
      // Which object: the declaration the error falls in.
      const line = source.getLineAndCharacterOfPosition(diagnostic.start).line
      const text = source.text.split('\n')
      let index = line
      while (index > 0 && !text[index]?.startsWith('export const o')) index--
      const objectIndex = Number(/^export const o(\d+)/.exec(text[index] ?? '')?.[1])
      const object = file.objects[objectIndex]
      return object ? `${describe(object)}: ${message}` : message
    })
  }
  return result
}
