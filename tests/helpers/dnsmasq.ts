/**
 * @module tests/helpers/dnsmasq
 * A real DNS server for tests: Debian's dnsmasq on 127.0.0.1 and a free port, answering
 * only the records a test gives it (authoritative-style: names under `localZones` that it
 * has no record for get NXDOMAIN, nothing is forwarded anywhere).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'

export const hasDnsmasq = spawnSync('sh', ['-c', 'command -v dnsmasq'], { encoding: 'utf8' }).status === 0

export interface DnsRecords {
  txt?: { name: string; value: string }[]
  hosts?: { name: string; addresses: string[] }[]
  localZones?: string[]
}

export interface RunningDns {
  server: string
  stop(): Promise<void>
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4')
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
  const port = s.address().port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

export async function startDnsmasq(records: DnsRecords): Promise<RunningDns> {
  const port = await freeUdpPort()
  const args = [
    '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-poll', '--pid-file=',
    '--user=root', '--listen-address=127.0.0.1', '--bind-interfaces', `--port=${port}`, '--log-facility=-',
  ]
  for (const z of records.localZones ?? []) args.push(`--local=/${z}/`)
  for (const t of records.txt ?? []) args.push(`--txt-record=${t.name},${t.value}`)
  for (const h of records.hosts ?? []) args.push(`--host-record=${h.name},${h.addresses.join(',')}`)
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  // ready once it answers on the port (bounded wait)
  const { Resolver } = await import('node:dns/promises')
  const r = new Resolver({ timeout: 200, tries: 1 })
  r.setServers([`127.0.0.1:${port}`])
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${err}`)
    try {
      await r.resolveTxt('ready.invalid')
      break
    } catch (e) {
      const code = (e as { code?: string }).code
      if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EREFUSED' || code === 'ESERVFAIL') break
      await new Promise((res) => setTimeout(res, 100))
    }
  }
  return {
    server: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
