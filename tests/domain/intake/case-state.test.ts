import { describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/errors.js'
import { allowedTransitions, CASE_STATUSES, checkTransition, isSettled, type CaseStatus } from '../../../src/domain/intake/case-state.js'

/** The state machine of the issue, written out independently of the implementation. */
const EXPECTED_VALID = new Set([
  'open>investigating',
  'investigating>awaiting_customer',
  'awaiting_customer>resolved',
  'open>dismissed',
  'investigating>dismissed',
  'awaiting_customer>dismissed',
  'resolved>dismissed',
])

const pairs = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as [CaseStatus, CaseStatus]))

describe('case state machine', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    const verdict = to === 'resolved' ? 'authorized_scan' : undefined
    if (EXPECTED_VALID.has(`${from}>${to}`)) {
      expect(() => checkTransition(from, to, verdict)).not.toThrow()
      expect(allowedTransitions(from)).toContain(to)
    } else {
      let err: unknown
      try {
        checkTransition(from, to, verdict)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(DomainError)
      expect((err as DomainError).status).toBe(409)
      expect((err as DomainError).code).toBe('invalid_transition')
      expect((err as DomainError).message).toContain(`from ${from} to ${to}`)
      expect((err as DomainError).extra?.allowed).toEqual([...allowedTransitions(from)])
    }
  })

  it('resolving needs a final verdict; other moves take none', () => {
    expect(() => checkTransition('awaiting_customer', 'resolved', undefined)).toThrow(/final verdict/)
    try {
      checkTransition('awaiting_customer', 'resolved', null)
    } catch (e) {
      expect((e as DomainError).status).toBe(400)
      expect((e as DomainError).field).toBe('verdict')
    }
    expect(() => checkTransition('open', 'investigating', 'authorized_scan')).toThrow(/only given when resolving/)
  })

  it('resolved and dismissed are settled: nothing reopens them, a new report opens a linked case', () => {
    expect(isSettled('resolved')).toBe(true)
    expect(isSettled('dismissed')).toBe(true)
    for (const s of ['open', 'investigating', 'awaiting_customer'] as const) expect(isSettled(s)).toBe(false)
    expect(() => checkTransition('resolved', 'open', undefined)).toThrow(/opens a new case linked to this one/)
  })

  it('dismissed is final', () => {
    expect(allowedTransitions('dismissed')).toEqual([])
    expect(() => checkTransition('dismissed', 'open', undefined)).toThrow(/dismissed is final/)
  })
})
