/**
 * assert.ts - programmer errors. An assertion failure means the code is wrong, never the input:
 * it throws, the ledger transaction rolls back, and the caller sees a system error.
 */

export class AssertionError extends Error {
  override readonly name = 'AssertionError'
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message)
}

export function assertNever(value: never): never {
  throw new AssertionError(`unexpected value ${JSON.stringify(value)}`)
}
