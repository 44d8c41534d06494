/**
 * default-pin-hashes.ts - the scrypt hashes (N = 16384, the configuration's default) of the
 * default world's PINs, made once and shipped, so that a fresh data directory is seeded without
 * hashing them again: three hashes at start-up cost about 0.15 s of CPU and, as glibc keeps the
 * freed 16 MiB scrypt buffers of the second and third in its arenas, some 32 MiB of resident
 * memory for as long as the gateway runs (docs/build.md). The PINs are printed in the fixture
 * and the README, so a hash shared by every fresh demo install gives nothing away. Any other
 * world, any other cost, and every PIN set later are hashed with a fresh salt as before.
 * test/tools/default-pin-hashes.test.ts checks each against its PIN.
 * Exports defaultPinHashes and defaultPinHashCost.
 */

/** scrypt's N the hashes were made with: they stand in only where the configuration says it. */
export const defaultPinHashCost = 16384

/** PIN -> its scrypt hash as the PIN hasher writes it (`scrypt$N$salt$key`). */
export const defaultPinHashes: ReadonlyMap<string, string> = new Map([
  ['1234', 'scrypt$16384$yv2R1rjGNtwlmGJ0XVa1uQ==$gvGcYaFZi+FhwrCELZY6j5tSbc+gU6khSaaRtJUt7PI='],
  ['4321', 'scrypt$16384$aaV7GMZuZVPZmpsqf50h3Q==$85ndmnZ1lJZc0W656Q1AzmiJRCF2EkuEOjLeHKP8rJg='],
  ['1111', 'scrypt$16384$dRteDnmREujRzEAAUk8+cA==$bTujUMVBubi9dZF1TtXNbd8cVElpccAH3pDr1r/EA9E='],
])
