/**
 * @module domain/formatters/index
 * The registry of firewall targets and the validation of the per-request options
 * (`name`, `max_entries`) that every formatter relies on.
 *
 * family policy: a single-family target (iptables, ip6tables) asked for the other family
 * is a 400 naming the target that serves it, never an empty or silently wrong snippet.
 *
 * max_entries policy: it is accepted only by targets with a hard per-object limit
 * (`maxEntries` set); for any other target it is rejected with a 400 rather than ignored,
 * so nobody believes a list was split when it was not. When a limited target gets no
 * max_entries, its default applies, so the output is always within the target's limits.
 */
import { DomainError } from '../errors.js'
import { apache } from './apache.js'
import { awsPrefixList } from './aws-prefix-list.js'
import { awsSecurityGroup } from './aws-security-group.js'
import { awsWafv2Ipset } from './aws-wafv2-ipset.js'
import { ciscoAsa } from './cisco-asa.js'
import { ciscoIos } from './cisco-ios.js'
import { firewalld } from './firewalld.js'
import { fortios } from './fortios.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { haproxy } from './haproxy.js'
import { ip6tables } from './ip6tables.js'
import { ipset } from './ipset.js'
import { iptables } from './iptables.js'
import { junos } from './junos.js'
import { kubernetes } from './kubernetes.js'
import { mikrotik } from './mikrotik.js'
import { nftables } from './nftables.js'
import { nginx } from './nginx.js'
import { paloaltoEdl } from './paloalto-edl.js'
import { pf } from './pf.js'
import { pfTable } from './pf-table.js'
import { ufw } from './ufw.js'
import { windowsPowershell } from './windows-powershell.js'
import { azureFrontdoorWaf } from './azure-frontdoor-waf.js'
import { azureNsg } from './azure-nsg.js'
import { caddy } from './caddy.js'
import { checkpointGdc } from './checkpoint-gdc.js'
import { ciscoFmcFeed } from './cisco-fmc-feed.js'
import { cloudflareList } from './cloudflare-list.js'
import { crowdsec } from './crowdsec.js'
import { fail2ban } from './fail2ban.js'
import { gcpCloudArmor } from './gcp-cloud-armor.js'
import { gcpFirewall } from './gcp-firewall.js'
import { checkInputLimits, checkOutputSize } from './limits.js'
import { mispWarninglist } from './misp-warninglist.js'
import { modsecurity } from './modsecurity.js'
import { opnsense } from './opnsense.js'
import { pfsense } from './pfsense.js'
import { traefik } from './traefik.js'

export type { Formatter, SnippetEntry, SnippetFamily, SnippetInput } from './formatter.js'
export { NO_SNIPPET_FILTER } from './formatter.js'

/**
 * Formatters write the name verbatim, so the registry re-checks it on every render (and
 * for the download's file name, which goes into a header): a caller that skipped
 * resolveSnippetOptions gets a 400 instead of an injectable snippet. The target's limits are
 * checked here too, so no formatter can forget them.
 */
function guarded(f: Formatter): Formatter {
  return Object.freeze({
    ...f,
    fileName: (input: Pick<SnippetInput, 'name' | 'filter'>) =>
      f.fileName({ ...input, name: checkName(f, input.name) }),
    render: (input: SnippetInput) => {
      checkInputLimits(f, input)
      const out = f.render({ ...input, name: checkName(f, input.name) })
      checkOutputSize(f, out)
      return out
    },
  })
}

export const formatters: readonly Formatter[] = Object.freeze(
  [
    iptables,
    ip6tables,
    ipset,
    nftables,
    pf,
    pfTable,
    ufw,
    firewalld,
    ciscoAsa,
    ciscoIos,
    junos,
    fortios,
    mikrotik,
    paloaltoEdl,
    windowsPowershell,
    awsSecurityGroup,
    awsPrefixList,
    awsWafv2Ipset,
    nginx,
    apache,
    haproxy,
    kubernetes,
    modsecurity,
    cloudflareList,
    azureFrontdoorWaf,
    gcpCloudArmor,
    azureNsg,
    gcpFirewall,
    fail2ban,
    crowdsec,
    caddy,
    traefik,
    checkpointGdc,
    ciscoFmcFeed,
    mispWarninglist,
    opnsense,
    pfsense,
  ].map(guarded),
)

const byId = new Map(formatters.map((f) => [f.id, f]))

export function findFormatter(id: string): Formatter | undefined {
  return byId.get(id)
}

/**
 * Room kept for the chunk suffix `-<n>` on targets that split lists: '-' and up to five
 * digits, i.e. 99 999 objects, far more than any feed needs.
 */
export const CHUNK_SUFFIX_ROOM = 6

/** Longest `name` the caller may pass for this target, after the room for our suffixes. */
export function maxNameLength(f: Formatter): number {
  return f.name.maxLength - f.name.suffix.length - (f.maxEntries ? CHUNK_SUFFIX_ROOM : 0)
}

function checkName(f: Formatter, raw: string | undefined): string {
  if (raw === undefined || raw === '') return f.name.default
  const max = maxNameLength(f)
  const rule = `name must be 1–${max} characters of ${f.name.description}`
  const reserved: string[] = []
  if (f.name.suffix) reserved.push(`'${f.name.suffix}'`)
  if (f.maxEntries) reserved.push(`'-<n>' when the list is split`)
  const why =
    reserved.length === 0
      ? ''
      : ` (${f.id} allows ${f.name.maxLength}; the rest is kept for ${reserved.join(' and ')})`
  if (raw.length > max) {
    throw new DomainError('invalid_name', `${rule}${why}; got ${raw.length}`, { field: 'name' })
  }
  if (!f.name.pattern.test(raw)) {
    const shown = JSON.stringify(raw.slice(0, 40))
    throw new DomainError('invalid_name', `${rule}${why}; got ${shown}`, { field: 'name' })
  }
  return raw
}

function checkMaxEntries(f: Formatter, raw: string | number | undefined): number | undefined {
  const limit = f.maxEntries
  const given = raw !== undefined && raw !== ''
  if (!limit) {
    if (!given) return undefined
    throw new DomainError(
      'invalid_option',
      `max_entries is not supported by ${f.id}: it has no per-object entry limit, so the list is never split; remove the parameter`,
      { field: 'max_entries' },
    )
  }
  if (!given) return limit.default ?? limit.max
  const value = typeof raw === 'number' ? raw : /^[0-9]{1,9}$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > limit.max) {
    const shown = typeof raw === 'number' ? String(raw) : JSON.stringify(raw.slice(0, 20))
    throw new DomainError(
      'invalid_option',
      `max_entries must be a whole number from 1 to ${limit.max} for ${f.id} (${limit.reason}); got ${shown}`,
      { field: 'max_entries' },
    )
  }
  return value
}

const FAMILY_WORD: Record<SnippetFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' }

function checkFamily(f: Formatter, family: SnippetFamily | null | undefined): void {
  if (!family || f.families.includes(family)) return
  const sibling = f.siblings?.[family]
  const where = sibling
    ? `; ${FAMILY_WORD[family]} rules are in the ${sibling} target: /v1/rules/${sibling}`
    : ''
  throw new DomainError(
    'invalid_option',
    `${f.id} carries ${f.families.map((x) => FAMILY_WORD[x]).join(' and ')} only${where}`,
    { field: 'family', ...(sibling ? { extra: { use: `/v1/rules/${sibling}` } } : {}) },
  )
}

/**
 * Validates the caller's options for one target and fills in defaults. Throws DomainError
 * 'invalid_name' (field 'name') or 'invalid_option' (field 'max_entries', or 'family' when
 * the target does not carry the requested family).
 * @example resolveSnippetOptions(findFormatter('ipset')!, { name: 'scan' }) // { name: 'scan', maxEntries: undefined }
 */
export function resolveSnippetOptions(
  f: Formatter,
  raw: { name?: string; maxEntries?: string | number; family?: SnippetFamily | null },
): { name: string; maxEntries: number | undefined } {
  checkFamily(f, raw.family)
  return { name: checkName(f, raw.name), maxEntries: checkMaxEntries(f, raw.maxEntries) }
}
