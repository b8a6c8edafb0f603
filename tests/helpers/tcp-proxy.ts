/**
 * @module tests/helpers/tcp-proxy
 * A TCP proxy on 127.0.0.1 between the app and Postgres, so a test can make the
 * database unreachable for one server without touching the machine's Postgres (other
 * tests use it). `cut('reset')` drops every connection and refuses new ones at once, like
 * a database that went down; `cut('blackhole')` keeps connections open but forwards
 * nothing, like a network partition. `restore()` lets traffic through again.
 */
import net from 'node:net'

export type CutMode = 'reset' | 'blackhole'

export interface TcpProxy {
  /** The loopback port the app should connect to. */
  port: number
  cut(mode?: CutMode): void
  restore(): void
  close(): Promise<void>
  /** Client connections accepted so far (while up or down). */
  readonly accepted: number
}

interface Pair {
  client: net.Socket
  upstream: net.Socket | null
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: CutMode | null = null
  let accepted = 0
  const pairs = new Set<Pair>()

  const drop = (pair: Pair) => {
    pairs.delete(pair)
    pair.client.destroy()
    pair.upstream?.destroy()
  }

  const server = net.createServer((client) => {
    accepted++
    const pair: Pair = { client, upstream: null }
    client.on('error', () => drop(pair))
    client.on('close', () => drop(pair))
    if (mode === 'reset') {
      client.resetAndDestroy()
      return
    }
    pairs.add(pair)
    // a blackholed connection is accepted and then never answered
    if (mode === 'blackhole') return
    const upstream = net.connect(target)
    pair.upstream = upstream
    upstream.on('error', () => drop(pair))
    upstream.on('close', () => drop(pair))
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('proxy did not get a port')

  return {
    port: address.port,
    get accepted() {
      return accepted
    },
    cut(how: CutMode = 'reset') {
      mode = how
      for (const pair of [...pairs]) {
        if (how === 'reset') {
          pair.client.resetAndDestroy()
          drop(pair)
        } else {
          // stop forwarding in both directions; the sockets stay open and silent
          pair.client.unpipe()
          pair.upstream?.unpipe()
          pair.client.pause()
          pair.upstream?.pause()
        }
      }
    },
    restore() {
      // connections that were blackholed stay dead: the peer has given up on them by now
      if (mode === 'blackhole') for (const pair of [...pairs]) drop(pair)
      mode = null
    },
    async close() {
      for (const pair of [...pairs]) drop(pair)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
