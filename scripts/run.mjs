/**
 * `npm start` and `npm run cli`: run the compiled build in dist/ when it is there and up to
 * date, else the TypeScript sources through tsx (development), and say which on stderr.
 * Usage: node scripts/run.mjs node|cli [arguments…]
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const entry = process.argv[2]
if (entry !== 'node' && entry !== 'cli') {
  process.stderr.write('usage: node scripts/run.mjs node|cli [arguments…]\n')
  process.exit(2)
}
// the entry reads its own arguments from process.argv.slice(2)
process.argv.splice(2, 1)

function newestSource(dir) {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs)
  }
  return newest
}

const built = join(root, 'dist', 'platform', `${entry}.js`)
const stamp = join(root, 'dist', '.tsbuildinfo')
const hasSources = existsSync(join(root, 'src'))
const stale = hasSources && existsSync(stamp) && newestSource(join(root, 'src')) > statSync(stamp).mtimeMs
// the CLI's output is for scripts too: it only speaks up when something is off
const note = (line) => (entry === 'node' || stale ? process.stderr.write(`scangate: ${line}\n`) : undefined)

if (existsSync(built) && !stale) {
  note(`running the build (node dist/platform/${entry}.js)`)
  await import(built)
} else {
  let register
  try {
    ;({ register } = await import('tsx/esm/api'))
  } catch {
    process.stderr.write(`scangate: no build in dist/ and no tsx to run the sources: run \`npm run build\` first\n`)
    process.exit(1)
  }
  note(
    stale
      ? 'dist/ is older than src/: running the sources through tsx instead (development; `npm run build` to refresh)'
      : 'no build in dist/: running the TypeScript sources through tsx (development; `npm run build` for production)',
  )
  register()
  await import(join(root, 'src', 'platform', `${entry}.ts`))
}
