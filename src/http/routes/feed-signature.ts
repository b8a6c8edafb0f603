/**
 * @module http/routes/feed-signature
 * Detached Ed25519 signatures of published versions and the public key to check them:
 * `GET /v1/versions/{serial}/signature` signs the exact bytes of `GET /v1/versions/{serial}`
 * (which are also the bytes of the unfiltered `GET /v1/ranges` for that serial). The old
 * path `/v1/versions/{serial}.sig` stays as an alias (undocumented: as an OpenAPI template
 * it cannot be told apart from `/v1/versions/{serial}`). Every other body is signed in its
 * own response headers (see domain/message-signature).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { DomainError } from '../../domain/errors.js'
import type { FeedSigner } from '../../domain/feed-signing.js'
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

function notConfigured(): DomainError {
  return new DomainError('not_found', 'Feed signing is not configured on this server.', { status: 404 })
}

export function registerFeedSignatureRoutes(app: OpenAPIHono<AppEnv>, ctx: FeedContext, signer: FeedSigner | undefined): void {
  const answer = async (c: Context<AppEnv>, serial: number) => {
    if (!signer) throw notConfigured()
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
  }

  // the old path first: /v1/versions/{serial} would otherwise claim "1.sig" and reject it
  app.get('/v1/versions/:file{[1-9][0-9]{0,9}\\.sig}', (c) => answer(c, Number(c.req.param('file').slice(0, -4))))

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/versions/{serial}/signature',
      tags: ['Feed'],
      summary: 'Detached Ed25519 signature (64 raw bytes) of GET /v1/versions/{serial}',
      request: { params: z.object({ serial: z.string().max(10).regex(/^[1-9][0-9]{0,9}$/, 'serial must be a positive integer').openapi({ example: '1' }) }) },
      responses: {
        200: { description: 'Signature', content: { 'application/octet-stream': { schema: z.string().max(64).openapi({ format: 'binary' }) } } },
        304: { description: 'Not modified' },
        ...errors(400, 404, 503),
      },
    }),
    (c) => answer(c, Number(c.req.valid('param').serial)),
  )

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
