import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { projectRoot } from '../src/paths.js'
import { clientTypesPath, generateClientTypes } from './client-types.js'

// client/api-types.ts is generated from the committed openapi.yaml, never edited:
// `npm run client` after `npm run openapi`. A test fails when they drift apart.
const openapiYaml = readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')
writeFileSync(clientTypesPath, await generateClientTypes(openapiYaml))
process.stdout.write(`wrote ${relative(projectRoot, clientTypesPath)}\n`)
