/**
 * @module http/pages/subscriptions
 * The links in subscription mails. Opening a link only shows a button (mail scanners
 * fetch links; a GET must not confirm or unsubscribe anything). The POST does it, and
 * `POST /subscriptions/unsubscribe?token=…` is also the RFC 8058 one-click target that
 * mail clients call with `List-Unsubscribe=One-Click`. The token is the only capability.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { confirmEmailSubscription, unsubscribeByToken } from '../../db/subscription-repository.js'
import type { AppEnv } from '../app-env.js'
import { KIB, limitBody } from '../intake-body.js'
import { MessagePage } from './layout.js'
import { formFields, sendPage } from './render.js'

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/

function ask(c: Context<AppEnv>, action: 'confirm' | 'unsubscribe') {
  const token = c.req.query('token') ?? ''
  if (!TOKEN.test(token)) return gone(c)
  const title = action === 'confirm' ? 'Confirm your subscription' : 'Unsubscribe'
  return sendPage(
    c,
    <MessagePage title={title} section="none" tone="info">
      <form method="post" action={`/subscriptions/${action}`}>
        <input type="hidden" name="token" value={token} />
        <p>{action === 'confirm' ? 'Press the button to start receiving change notices for our scanner ranges.' : 'Press the button to stop these notices.'}</p>
        <button type="submit">{action === 'confirm' ? 'Confirm' : 'Unsubscribe'}</button>
      </form>
    </MessagePage>,
  )
}

function gone(c: Context<AppEnv>) {
  return sendPage(
    c,
    <MessagePage title="Link not valid" section="none" tone="bad">
      <p>This link is not valid any more: it was used already, or the request expired. Nothing was changed.</p>
    </MessagePage>,
    { status: 404 },
  )
}

async function tokenOf(c: Context<AppEnv>): Promise<string> {
  const fromForm = (await formFields(c)).get('token')
  const token = c.req.query('token') ?? fromForm ?? ''
  return TOKEN.test(token) ? token : ''
}

export function registerSubscriptionPages(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const small = limitBody(4 * KIB, 'This form')
  app.get('/subscriptions/confirm', (c) => ask(c, 'confirm'))
  app.get('/subscriptions/unsubscribe', (c) => ask(c, 'unsubscribe'))
  app.post('/subscriptions/confirm', small, async (c) => {
    const token = await tokenOf(c)
    if (!token || !(await confirmEmailSubscription(c.get('db'), token, now()))) return gone(c)
    return sendPage(c, <MessagePage title="Subscribed" section="none" tone="ok"><p>Confirmed. You will get a short mail per published version and a reminder before each change takes effect.</p></MessagePage>)
  })
  app.post('/subscriptions/unsubscribe', small, async (c) => {
    const token = await tokenOf(c)
    if (!token || !(await unsubscribeByToken(c.get('db'), token, now()))) return gone(c)
    return sendPage(c, <MessagePage title="Unsubscribed" section="none" tone="ok"><p>Done: nothing more will be sent.</p></MessagePage>)
  })
}
