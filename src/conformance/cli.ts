/** cli.ts - placeholder replaced by the conformance runner. */
export function runConformance(_args: string[]): Promise<number> {
  process.stderr.write('telepay conformance: not built yet\n')
  return Promise.resolve(2)
}
