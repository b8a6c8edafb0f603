/**
 * @module platform/redis-rate-limiter
 * Rate-limit counters in Redis (REDIS_URL): INCR plus an expiry per window, so counters
 * clean themselves up. Node only; Workers keep the Postgres counters.
 */
import { createClient } from 'redis'
import type { RateLimiter } from '../http/rate-limit.js'

export async function createRedisRateLimiter(url: string): Promise<{ limiter: RateLimiter; close(): Promise<void> }> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(n * 200, 5000) } })
  // reconnects are handled by the client; errors must not crash the process
  client.on('error', () => undefined)
  await client.connect()
  return {
    limiter: {
      async hit(_db, bucket, start, windowSeconds) {
        const key = `scangate:rl:${bucket}:${start.getTime()}`
        const [count] = await client.multi().incr(key).expire(key, windowSeconds + 60).exec()
        return Number(count)
      },
    },
    close: async () => {
      await client.quit().catch(() => undefined)
    },
  }
}
