import { join } from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import { projectRoot } from '../src/paths.js'

/** The generated types of the typed client; `npm run client` writes them, a test checks them. */
export const clientTypesPath = join(projectRoot, 'client', 'api-types.ts')

const HEADER = `// Generated from openapi.yaml by \`npm run client\` (openapi-typescript). Do not edit:
// change the routes or schemas, then run \`npm run openapi && npm run client\`.

`

/**
 * The TypeScript types of an OpenAPI document: paths, operations (by operationId)
 * and components, plus one alias per named schema (Resource, Problem, ...), so a
 * schema merged later gets its alias with no change here.
 */
export async function generateClientTypes(openapiYaml: string): Promise<string> {
  const ast = await openapiTS(openapiYaml, {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
  })
  return HEADER + astToString(ast)
}
