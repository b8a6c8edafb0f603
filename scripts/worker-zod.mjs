// Prepares the copy of zod the Worker bundle uses (wrangler.toml: [build] command and
// [alias] zod). zod's `core` and `z` namespaces re-export everything — ~60 error-message
// locales, the schema compiler and the JSON-Schema-to-zod converter — and because those
// namespaces are used as objects no bundler can drop any of it: about 300 KiB of minified
// code in a Worker whose budget is 300 KiB gzip. scangate's messages are English, and it
// never calls z.locales, z.compile or z.fromJSONSchema (nothing else in zod does either),
// so the copy keeps only `en` and replaces the other two with functions that say so.
// node_modules stays untouched; Node runs the full package.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'node_modules', 'zod')
const target = join(root, '.wrangler', 'zod-en')
const version = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version
const stamp = join(target, '.scangate-stamp')
// bump when the trimming changes, so an existing copy is made again
const RECIPE = '2'

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== `${version}/${RECIPE}`) {
  rmSync(target, { recursive: true, force: true })
  cpSync(source, target, { recursive: true, filter: (p) => !p.endsWith('.map') && !p.includes(`${join('zod', 'src')}`) })
  const index = join(target, 'v4', 'locales', 'index.js')
  if (!readFileSync(index, 'utf8').includes('export { default as en } from "./en.js";')) {
    throw new Error('zod/v4/locales/index.js has changed shape; check scripts/worker-zod.mjs against the new zod version')
  }
  writeFileSync(index, 'export { default as en } from "./en.js";\n')
  const absent = (name) => `export function ${name}() {\n  throw new Error('${name} is left out of the scangate Worker build (scripts/worker-zod.mjs)')\n}\n`
  const compile = join(target, 'v4', 'core', 'compile.js')
  const expected = ['INVALID', 'ZodCompileAsyncError', 'ZodCompileUnsupportedError', 'compile', 'withParser', 'compileFn']
  const found = [...readFileSync(compile, 'utf8').matchAll(/^export (?:const|class|function) (\w+)/gm)].map((m) => m[1])
  if (found.join() !== expected.join()) throw new Error(`zod/v4/core/compile.js exports ${found.join()}; check scripts/worker-zod.mjs against the new zod version`)
  writeFileSync(
    compile,
    'export const INVALID = Symbol.for("zod.compile.invalid");\n' +
      'export class ZodCompileAsyncError extends Error {}\nexport class ZodCompileUnsupportedError extends Error {}\n' +
      absent('compile') + absent('withParser') + absent('compileFn'),
  )
  writeFileSync(join(target, 'v4', 'classic', 'from-json-schema.js'), absent('fromJSONSchema'))
  writeFileSync(stamp, `${version}/${RECIPE}`)
}
