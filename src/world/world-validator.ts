/**
 * world-validator.ts - the world file's schema validator, two ways: compiled by ajv when it is
 * first needed (the sources in development), or the same validator as plain code that `npm run
 * build` writes next to the compiled reader (dist/src/world/world-validate.cjs), which needs no
 * ajv at run time. Ajv's compile and import cost about 100 ms of every start of a fresh gateway
 * (it reads the default world), a sixth of the compiled start-up (docs/build.md).
 * Exports worldValidator and standaloneWorldValidator.
 */
import { createRequire } from 'node:module'
import type { ErrorObject } from 'ajv'
import { repositoryPath, runsCompiled } from '../gateway/repository-path.js'
import { hintKeyword, worldSchema } from './world-schema.js'

export interface WorldValidate {
  (data: unknown): boolean
  errors?: ErrorObject[] | null
}

/** ajv and its standalone code generator are CommonJS: required when needed, not at import. */
const requireHere = createRequire(import.meta.url)

function newAjv(source: boolean) {
  const { Ajv } = requireHere('ajv') as typeof import('ajv')
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    ...(source ? { code: { source: true } } : {}),
  })
  ajv.addKeyword({ keyword: hintKeyword, schemaType: 'string' })
  return ajv
}

/** Where the build writes the generated validator (bin/build.js). */
export const standaloneValidatorPath = 'dist/src/world/world-validate.cjs'

let validator: WorldValidate | null = null

/** The validator: the build's generated code when it is there, else compiled now (once). */
export function worldValidator(): WorldValidate {
  if (validator !== null) return validator
  try {
    // Only the compiled code takes the build's validator: the sources may hold a newer schema.
    if (!runsCompiled) throw new Error('the sources compile their own validator')
    validator = requireHere(repositoryPath(standaloneValidatorPath)) as WorldValidate
  } catch {
    validator = newAjv(false).compile(worldSchema)
  }
  return validator
}

/** The validator as CommonJS source, for the build to write (bin/build.js). */
export function standaloneWorldValidator(): string {
  const ajv = newAjv(true)
  const validate = ajv.compile(worldSchema)
  const { default: standaloneCode } = requireHere(
    'ajv/dist/standalone',
  ) as typeof import('ajv/dist/standalone/index.js')
  return standaloneCode(ajv, validate)
}
