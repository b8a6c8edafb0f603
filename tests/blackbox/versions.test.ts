/**
 * @module tests/blackbox/versions
 * Version history: the list, each version by serial (immutable), the change log and the
 * Atom feed.
 */
import { describe, expect, it } from 'vitest'
import { api, expectProblem, latestSerial, target } from './support/target.js'

interface Summary {
  serial: number
  createdAt: string
  sha256: string
  counts: { ipv4: number; ipv6: number }
  changes: { added: { prefix: string }[]; removed: unknown[]; changed: unknown[] }
}

describe('GET /v1/versions', () => {
  it('lists versions newest first, starting at the latest serial', async () => {
    const latest = await latestSerial()
    const res = await api('/v1/versions')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { versions: Summary[]; next: string | null }
    expect(body.versions[0]!.serial).toBe(latest)
    expect(body.versions.map((v) => v.serial)).toEqual([...body.versions.map((v) => v.serial)].sort((a, b) => b - a))
    expect(body.versions.at(-1)!.serial).toBe(1)
    expect(body.next).toBeNull()
    for (const v of body.versions) expect(v.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(Object.keys(body.versions[0]!).sort()).toEqual(['changes', 'counts', 'createdAt', 'note', 'noticeOverride', 'serial', 'sha256'])
  })

  it('pages with limit and a next link', async () => {
    const latest = await latestSerial()
    const body = (await (await api('/v1/versions?limit=1')).json()) as { versions: Summary[]; next: string | null }
    expect(body.versions.map((v) => v.serial)).toEqual([latest])
    if (latest > 1) {
      expect(body.next).toBe(`/v1/versions?limit=1&before=${latest}`)
      const page2 = (await (await api(body.next!)).json()) as { versions: Summary[] }
      expect(page2.versions.map((v) => v.serial)).toEqual([latest - 1])
    } else {
      expect(body.next).toBeNull()
    }
    await expectProblem(await api('/v1/versions?limit=0'), 400, 'validation_failed')
  })
})

describe('GET /v1/versions/{serial}', () => {
  it('the latest version by serial has exactly the bytes and ETag of the unfiltered feed, cached as immutable', async () => {
    const feed = await api('/v1/ranges')
    const serial = Number(feed.headers.get('x-feed-serial'))
    const res = await api(`/v1/versions/${serial}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toBe(feed.headers.get('etag'))
    expect(await res.text()).toBe(await feed.text())
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('x-feed-serial')).toBe(String(serial))
  })

  it('version 1 stays as published and answers 304 to its ETag', async () => {
    const res = await api('/v1/versions/1')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { serial: number; sha256: string }
    expect(doc.serial).toBe(1)
    const list = (await (await api('/v1/versions?limit=1000')).json()) as { versions: Summary[] }
    expect(doc.sha256).toBe(list.versions.find((v) => v.serial === 1)!.sha256)
    const again = await api('/v1/versions/1', { headers: { 'if-none-match': res.headers.get('etag')! } })
    expect(again.status).toBe(304)
  })

  it('unknown and malformed serials are problems', async () => {
    await expectProblem(await api('/v1/versions/999999999'), 404, 'not_found')
    await expectProblem(await api('/v1/versions/0'), 400, 'validation_failed')
    await expectProblem(await api('/v1/versions/abc'), 400, 'validation_failed')
  })
})

describe('GET /v1/changes', () => {
  it('since=0 gives every version oldest first; since=latest gives none', async () => {
    const latest = await latestSerial()
    const res = await api('/v1/changes?since=0')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-feed-serial')).toBe(String(latest))
    const body = (await res.json()) as { since: number; latest: number; versions: Summary[] }
    expect(body.latest).toBe(latest)
    expect(body.versions.map((v) => v.serial)).toEqual(Array.from({ length: latest }, (_, i) => i + 1))
    expect(body.versions[0]!.changes.added.map((a) => a.prefix)).toContain('192.0.2.0/24')
    const none = (await (await api(`/v1/changes?since=${latest}`)).json()) as { versions: Summary[] }
    expect(none.versions).toEqual([])
  })

  it('a serial from the future is a 400 naming since', async () => {
    const latest = await latestSerial()
    const p = await expectProblem(await api(`/v1/changes?since=${latest + 1}`), 400, 'invalid_option')
    expect(p.errors?.[0]?.field).toBe('since')
  })
})

describe('GET /v1/feed.atom', () => {
  it('is an Atom feed with one entry per version (newest 50), with an ETag', async () => {
    const latest = await latestSerial()
    const res = await api('/v1/feed.atom')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    const xml = await res.text()
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/i)
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">')
    expect(xml.match(/<entry>/g)?.length).toBe(Math.min(50, latest))
    // no PUBLIC_URL is configured: links are relative, the ids (absolute by the standard)
    // name the origin the client used, so the answer is private to that client
    expect(xml).toContain('<link rel="self" href="/v1/feed.atom"/>')
    // Prism forwards with the upstream's Host, so the ids name the server behind it
    expect(xml).toMatch(new RegExp(`<id>${target.behindPrism ? 'http://127\\.0\\.0\\.1:[0-9]+' : target.baseUrl.replace(/[.]/g, '\\.')}/v1/versions/${latest}</id>`))
    expect(res.headers.get('cache-control')).toMatch(/^private/)
    const etag = res.headers.get('etag')!
    expect((await api('/v1/feed.atom', { headers: { 'if-none-match': etag } })).status).toBe(304)
  })
})
