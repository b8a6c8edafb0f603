// Prepares the copy of zod the Worker bundle uses (wrangler.toml: [build] command and
// [alias] zod). zod's `core` and `z` namespaces re-export all of its ~60 error-message
// locales, and because those namespaces are used as objects no bundler can drop them:
// about 260 KiB of minified code in a Worker whose budget is 300 KiB gzip. scangate's
// messages are English and it never calls z.locales, so the copy keeps only `en`.
// node_modules stays untouched; Node runs the full package.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'node_modules', 'zod')
const target = join(root, '.wrangler', 'zod-en')
const version = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version
const stamp = join(target, '.scangate-stamp')

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== version) {
  rmSync(target, { recursive: true, force: true })
  cpSync(source, target, { recursive: true, filter: (p) => !p.endsWith('.map') && !p.includes(`${join('zod', 'src')}`) })
  const index = join(target, 'v4', 'locales', 'index.js')
  if (!readFileSync(index, 'utf8').includes('export { default as en } from "./en.js";')) {
    throw new Error('zod/v4/locales/index.js has changed shape; check scripts/worker-zod.mjs against the new zod version')
  }
  writeFileSync(index, 'export { default as en } from "./en.js";\n')
  writeFileSync(stamp, version)
}
