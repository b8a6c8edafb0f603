import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // shared contract suites are imported by the per-implementation tests, never run alone
    // tests/blackbox needs running servers: vitest.blackbox.config.ts via scripts/blackbox.sh
    exclude: ['**/*.case.test.ts', 'node_modules/**', 'tests/blackbox/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite takes a few seconds to open; one per file, files in parallel on the 2 cores
    pool: 'forks',
    maxWorkers: 2,
  },
})
