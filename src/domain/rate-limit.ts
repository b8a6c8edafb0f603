/**
 * @module domain/rate-limit
 * Fixed-window rate-limit policies and the keys they count under. Windows are aligned
 * to the epoch so every process computes the same window for the same instant.
 */
import { tryParseIp } from './cidr.js'

export interface RateLimitPolicy {
  /** Short name, part of the counter key. */
  name: string
  limit: number
  windowSeconds: number
}

export function windowStart(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000
  return new Date(Math.floor(now.getTime() / ms) * ms)
}

/** Seconds until the window that contains `now` ends (for Retry-After). */
export function secondsUntilReset(now: Date, windowSeconds: number): number {
  const end = windowStart(now, windowSeconds).getTime() + windowSeconds * 1000
  return Math.max(1, Math.ceil((end - now.getTime()) / 1000))
}

/**
 * The unit a client is counted as: its IPv4 address, or its IPv6 /64 — one host can
 * hold a whole /64, so counting single v6 addresses would be no limit at all.
 */
export function clientKey(ip: string | null): string {
  const parsed = ip ? tryParseIp(ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')) : null
  if (!parsed) return 'unknown'
  if (parsed.family === 'ipv4') return parsed.text
  const net = (parsed.value >> 64n) << 64n
  return `${net.toString(16)}/64`
}
