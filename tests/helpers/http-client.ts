/**
 * @module tests/helpers/http-client
 * A small HTTP/1.1 client over node:http with a keep-alive agent, so a load test controls
 * exactly how many connections it opens (fetch pools connections on its own terms), and
 * sees connection errors as errors rather than as responses.
 */
import http from 'node:http'

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** A keep-alive agent holding at most `connections` sockets to the server. */
export function connectionPool(connections: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections })
}

export function httpRequest(
  agent: http.Agent,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body)
    const req = http.request(
      url,
      {
        agent,
        method: init.method ?? 'GET',
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        timeout: init.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timed out after ${init.timeoutMs ?? 30_000} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** Runs `task(0..count-1)` on `concurrency` workers, each taking the next index when free. */
export async function runWorkers(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}
