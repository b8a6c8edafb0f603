/**
 * Writes the app's OpenAPI document to a file (or stdout) without a server or a database:
 * what the contract tools (Spectral, Redocly, Prism) read.
 *
 *   npx tsx scripts/openapi-document.ts /tmp/openapi.json
 */
import { writeFileSync } from 'node:fs'
import { openApiJson } from '../src/http/openapi-document.js'

const main = async () => {
  const text = await openApiJson()
  if (process.argv[2]) writeFileSync(process.argv[2], text)
  else process.stdout.write(text)
}
void main()
