import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createNodeLogger } from '../../src/platform/node-logger.js'

function sink() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  return { lines, stream }
}

describe('node logger (pino)', () => {
  it('writes one JSON line per call with ISO time, level name, message and the fields given', async () => {
    const { lines, stream } = sink()
    const log = createNodeLogger('info', stream)
    log.info('request', { method: 'GET', path: '/v1/ranges', status: 200, ms: 0.4 })
    log.warn('no fields')
    await log.flush()
    const [first, second] = lines.map((l) => JSON.parse(l))
    expect(first).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/v1/ranges', status: 200, ms: 0.4 })
    expect(first.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    // no pid/hostname: the process adds nothing the caller did not pass
    expect(Object.keys(first).sort()).toEqual(['level', 'method', 'ms', 'msg', 'path', 'status', 'time'])
    expect(second).toMatchObject({ level: 'warn', msg: 'no fields' })
  })

  it('drops lines below the level', async () => {
    const { lines, stream } = sink()
    const log = createNodeLogger('warn', stream)
    log.info('request', { path: '/' })
    log.error('boom', { error: 'x' })
    await log.flush()
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['boom'])
    const silent = createNodeLogger('silent', stream)
    silent.error('nothing')
    await silent.flush()
    expect(lines).toHaveLength(1)
  })
})
