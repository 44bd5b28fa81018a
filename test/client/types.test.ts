import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { clientTypesPath, generateClientTypes } from '../../scripts/client-types.js'
import { projectRoot } from '../../src/paths.js'

describe('client/api-types.ts', () => {
  it('is exactly what openapi-typescript makes of openapi.yaml (run `npm run client` after `npm run openapi`)', async () => {
    const openapiYaml = readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')
    expect(readFileSync(clientTypesPath, 'utf8')).toBe(await generateClientTypes(openapiYaml))
  })

  it('types every operation of openapi.yaml by its operationId, and every named schema', async () => {
    const types = readFileSync(clientTypesPath, 'utf8')
    const document = parse(readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string }>>
    }
    const operationIds = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    )
    expect(operationIds.length).toBeGreaterThan(0)
    for (const id of operationIds) expect(types).toContain(`: operations["${id}"];`)
    for (const name of ['Resource', 'ResourceList', 'Problem', 'Category', 'Tag']) {
      expect(types).toContain(`export type ${name} = components['schemas']['${name}'];`)
    }
  })
})
