import { describe, expect, it } from 'vitest'
import { dateHeaderOffset, findTimes, statedLocalOffset } from '../../../../src/domain/intake/mail/log-times.js'

const ctx = (reference: string, offsetMinutes = 0) => ({ reference: new Date(reference), offsetMinutes })
const iso = (line: string, c = ctx('2026-11-29T12:00:00Z')) => findTimes(line, c).map((t) => t.at.toISOString())

describe('log timestamps', () => {
  it('reads each format, with its own zone where it has one', () => {
    expect(iso('2026-11-29T10:00:00+02:00 sshd')).toEqual(['2026-11-29T08:00:00.000Z'])
    expect(iso('Date: Sun, 29 Nov 2026 09:12:44 +0100')).toEqual(['2026-11-29T08:12:44.000Z'])
    expect(iso('192.0.2.55 - - [29/Nov/2026:08:01:12 -0500] "GET / HTTP/1.1"')).toEqual(['2026-11-29T13:01:12.000Z'])
    expect(iso('am 29.11.2026 14:03 Uhr', ctx('2026-11-29T15:00:00Z', 60))).toEqual(['2026-11-29T13:03:00.000Z'])
    expect(iso('2026/11/29 18:42:10', ctx('2026-11-29T10:00:00Z', 540))).toEqual(['2026-11-29T09:42:10.000Z'])
    expect(iso('2026-11-29 11:59:01.123456 IP 192.0.2.33.51234 > 203.0.113.60.443')).toEqual(['2026-11-29T11:59:01.123Z'])
  })

  it('reads syslog lines in the context zone and gives them the year that puts them before the message', () => {
    expect(iso('Nov 29 13:58:11 web1 sshd[2231]: Failed password', ctx('2026-11-29T13:05:01Z', 60))).toEqual(['2026-11-29T12:58:11.000Z'])
    // a December line in a January complaint is from the year before
    expect(iso('Dec 31 23:59:00 fw kernel: DROP', ctx('2027-01-01T08:00:00Z'))).toEqual(['2026-12-31T23:59:00.000Z'])
  })

  it('refuses dates that do not exist and times that are not times', () => {
    expect(iso('2026-02-30T10:00:00Z')).toEqual([])
    expect(iso('Nov 31 10:00:00 host')).toEqual([])
    expect(iso('version 12:34:56 build')).toEqual([])
  })

  it('finds the zone of a Date header and fail2ban\'s stated local zone', () => {
    expect(dateHeaderOffset('Sun, 29 Nov 2026 14:05:01 +0100')).toBe(60)
    expect(dateHeaderOffset('Sun, 29 Nov 2026 16:00:00 -0500 (EST)')).toBe(-300)
    expect(dateHeaderOffset('Sun, 29 Nov 2026 16:00:00 GMT')).toBe(0)
    expect(statedLocalOffset('Note: Local timezone is +0530 (IST)')).toBe(330)
  })
})
