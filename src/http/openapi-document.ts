/**
 * @module http/openapi-document
 * The OpenAPI document as the app serves it, generated without a database (every query
 * would throw): for the contract tools and the scripts that feed them.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { createApp } from './app.js'

export async function openApiJson(): Promise<string> {
  const noDb = new Proxy({}, { get: () => { throw new Error('generating the OpenAPI document must not query the database') } }) as Kysely<Database>
  const app = createApp({ getDb: () => noDb, getClientIp: () => '127.0.0.1', now: () => new Date(), feedRefreshMs: 0 })
  const res = await app.request('/openapi.json')
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`)
  return res.text()
}
