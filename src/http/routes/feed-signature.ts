/**
 * @module http/routes/feed-signature
 * Detached Ed25519 signatures of published versions and the public key to check them:
 * `GET /v1/versions/{serial}.sig` signs the exact bytes of `GET /v1/versions/{serial}`
 * (which are also the bytes of the unfiltered `GET /v1/ranges` for that serial).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { DomainError } from '../../domain/errors.js'
import { base64Encode, type FeedSigner } from '../../domain/feed-signing.js'
import { NO_FILTER } from '../../domain/feed-filter.js'
import type { AppEnv } from '../app-env.js'
import { ifNoneMatchHits } from '../conditional.js'
import type { LoadedVersion } from '../feed-store.js'
import { errors } from '../schemas.js'
import type { FeedContext } from './feed-context.js'
import { render } from './feed.js'

/** The signature of a version's canonical document, computed once per version. */
export function versionSignature(signer: FeedSigner, loaded: LoadedVersion): Promise<Uint8Array> {
  return loaded.memo('signature', async () => signer.sign((await render(loaded, NO_FILTER, 'json')).body))
}

/** Header hook for feed responses: which signature belongs to the served version. */
export function signatureHeaders(signer: FeedSigner | undefined) {
  return async (loaded: LoadedVersion): Promise<Record<string, string>> =>
    signer ? { 'x-feed-signature': base64Encode(await versionSignature(signer, loaded)) } : {}
}

function notConfigured(): DomainError {
  return new DomainError('not_found', 'Feed signing is not configured on this server.', { status: 404 })
}

export function registerFeedSignatureRoutes(app: OpenAPIHono<AppEnv>, ctx: FeedContext, signer: FeedSigner | undefined): void {
  // Hono cannot express "{serial}.sig" through an OpenAPI path, so the route is a plain
  // one with a regex and documented in the registry by hand
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/versions/{serial}.sig',
    tags: ['Feed'],
    summary: 'Detached Ed25519 signature (64 raw bytes) of GET /v1/versions/{serial}',
    request: { params: z.object({ serial: z.string().max(10).regex(/^[1-9][0-9]{0,9}$/) }) },
    responses: {
      200: { description: 'Signature', content: { 'application/octet-stream': { schema: z.string().max(2048).openapi({ format: 'binary' }) } } },
      304: { description: 'Not modified' },
      ...errors(404),
    },
  })
  app.get('/v1/versions/:file{[1-9][0-9]{0,9}\\.sig}', async (c) => {
    if (!signer) throw notConfigured()
    const serial = Number(c.req.param('file').slice(0, -4))
    const loaded = await ctx.store.bySerial(c.get('db'), serial)
    if (!loaded) throw new DomainError('not_found', `Version ${serial} does not exist.`, { status: 404 })
    const sig = await versionSignature(signer, loaded)
    const etag = `"sig-${serial}"`
    const headers = {
      etag,
      'cache-control': 'public, max-age=31536000, immutable',
      'access-control-allow-origin': '*',
      'x-feed-serial': String(serial),
    }
    if (ifNoneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers)
    return c.body(sig as Uint8Array<ArrayBuffer>, 200, { ...headers, 'content-type': 'application/octet-stream' })
  })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/scangate-feed-key.pem',
      tags: ['Feed'],
      summary: 'Public key (SPKI PEM) that verifies the feed signatures',
      responses: {
        200: { description: 'PEM', content: { 'application/x-pem-file': { schema: z.string().max(2048) } } },
        ...errors(404),
      },
    }),
    (c) => {
      if (!signer) throw notConfigured()
      return c.body(signer.publicKeyPem, 200, {
        'content-type': 'application/x-pem-file',
        'cache-control': 'public, max-age=3600',
        'access-control-allow-origin': '*',
      })
    },
  )
}
