/**
 * @module domain/intake/verdicts
 * The verdict classes a report can get and how they combine. The database computes them
 * (src/db/linking.ts mirrors `sourceVerdict` in SQL, and a test checks the two agree);
 * this module is the definition both follow.
 */

export const VERDICTS = ['authorized_scan', 'out_of_scope_scan', 'our_ip_no_session', 'not_our_ip'] as const
export type Verdict = (typeof VERDICTS)[number]

/**
 * Most serious first. A report with several source addresses takes the most serious of
 * their verdicts, and a case the most serious of its reports': one unexplained or
 * out-of-scope address is what the abuse desk must look at, however many others were fine.
 */
export const VERDICT_SEVERITY: readonly Verdict[] = ['out_of_scope_scan', 'our_ip_no_session', 'authorized_scan', 'not_our_ip']

export function isVerdict(v: unknown): v is Verdict {
  return typeof v === 'string' && (VERDICTS as readonly string[]).includes(v)
}

/** A session that used the source address during the observed window. */
export interface SessionMatch {
  /** Whether the report's target lies inside one of the session's authorized targets. */
  inScope: boolean
}

/**
 * The verdict for one source address:
 * - not in our catalogue → `not_our_ip`
 * - ours, and some overlapping session authorized the target → `authorized_scan`
 * - ours, sessions overlapped but none authorized the target → `out_of_scope_scan`
 * - ours, no session used it then → `our_ip_no_session`
 */
export function sourceVerdict(ours: boolean, matches: readonly SessionMatch[]): Verdict {
  if (!ours) return 'not_our_ip'
  if (matches.some((m) => m.inScope)) return 'authorized_scan'
  if (matches.length > 0) return 'out_of_scope_scan'
  return 'our_ip_no_session'
}

/** The most serious of several verdicts; `not_our_ip` for none. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  let best = VERDICT_SEVERITY.length - 1
  for (const v of verdicts) best = Math.min(best, VERDICT_SEVERITY.indexOf(v))
  return VERDICT_SEVERITY[best] ?? 'not_our_ip'
}
