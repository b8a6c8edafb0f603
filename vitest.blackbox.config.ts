/**
 * @module vitest.blackbox.config
 * The black-box HTTP suite (tests/blackbox): plain HTTP against BLACKBOX_BASE_URL, never
 * part of `npm test`. Run it through scripts/blackbox.sh, which starts the Node server and
 * `wrangler dev` over a fresh Postgres database and runs these files against each.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/blackbox/**/*.test.ts'],
    // one server, one database: files that publish must not race files that read the latest
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
