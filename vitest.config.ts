import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Copies every log line of the run and fails it on a PIN given away (log-collector.ts).
    globalSetup: ['test/support/log-collector.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend for the disk's fsyncs.
    maxWorkers: 2,
  },
})
